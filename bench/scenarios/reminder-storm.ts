// Scenario 3: many appointments whose reminder falls due at the same instant T0 — how late the sends are
// and how fast the backlog drains — against bare workflows sleeping until T0, then running one activity.
import { setTimeout as sleep } from 'node:timers/promises';
import type { WorkflowHandle } from '@temporalio/client';
import { BARE_TASK_QUEUE } from '../bench-process';
import { bareTimer } from '../baseline/bare-workflows';
import type { Figure, ScenarioResult } from '../figures';
import { waitForMessages } from '../messages';
import { countOutcomes, fireAtRate } from '../open-loop';
import { STORM_POLICY } from '../policies';
import type { BenchStack } from '../stack';
import { cpuMeter, cpuSecondsOf, type CpuMeter } from '../processes';
import { percentile, ratePerSecond } from '../stats';
import { waitUntil } from '../waiting';
import { explainLateSends } from './late-sends';
import { bookAtRate, patience, SECOND, type ScenarioContext } from './scenario';

const SCENARIO = 'reminder storm';
const PREFIX = 'rs-';
/** The storm policy's one reminder goes out this long before the start (STORM_POLICY: PT1H). */
const REMINDER_BEFORE_MS = 3600 * SECOND;
/** A send this much later than the median is an outlier whose history the notes explain. */
const OUTLIER_MS = 20 * SECOND;
const OUTLIERS_EXPLAINED = 3;

/**
 * An instant by which every booking of the storm should have been planned, even on a slow machine: the
 * booking time, 100 ms a booking, and 20 s. A reminder planned after its instant is skipped, not sent.
 */
function dueInstant(count: number, perSecond: number): number {
  return Date.now() + (count / perSecond) * SECOND + count * 100 + 20 * SECOND;
}

/** How many of the storm's lifecycles have their reminder planned (their projection's next touch) by `dueAt`. */
async function plannedBy(stack: BenchStack, tenantId: string, expected: number, dueAt: number): Promise<number> {
  const planned = () => stack.db.appointment.count({ where: { tenantId, externalId: { startsWith: PREFIX }, nextTouchKind: 'reminder' } });
  let count = await planned();
  while (count < expected && Date.now() < dueAt - SECOND) {
    await sleep(200);
    count = await planned();
  }
  return count;
}

/** CPU of the worker process(es) of one side and of the Temporal server, from now on. */
function cpuOf(stack: BenchStack, worker: 'aro' | 'bare'): CpuMeter<'worker' | 'temporal'> {
  const { aroWorker, bareWorker } = stack.processes;
  const workers = worker === 'aro' ? [aroWorker, ...stack.moreAroWorkers] : [bareWorker];
  return cpuMeter({ worker: () => workers.reduce((sum, p) => sum + p.cpuSeconds(), 0), temporal: () => cpuSecondsOf(stack.temporalPid) });
}

/** CPU milliseconds per reminder of the worker(s) and the server since the meter was made. */
function cpuPerReminder(meter: CpuMeter<'worker' | 'temporal'>, reminders: number) {
  const used = meter.used();
  return { worker: (used.worker * 1000) / reminders, temporal: (used.temporal * 1000) / reminders };
}

function summarise(dueAt: number, doneAt: number[]) {
  const lateness = doneAt.map((t) => t - dueAt);
  const last = Math.max(...doneAt);
  return {
    p50: percentile(lateness, 50),
    p99: percentile(lateness, 99),
    max: last - dueAt,
    drainPerSecond: ratePerSecond(doneAt.length, dueAt, last),
  };
}

export async function reminderStorm({ stack, size, progress }: ScenarioContext): Promise<ScenarioResult> {
  const { count, perSecond } = size.storm;
  const tenant = await stack.createTenant('Bench Storm', STORM_POLICY);
  const aroDue = dueInstant(count, perSecond);
  progress(`reminder storm: booking ${count} appointments at ${perSecond}/s, every reminder due at ${new Date(aroDue).toISOString()}`);
  const startsAt = new Date(aroDue + REMINDER_BEFORE_MS);
  const shots = await bookAtRate(stack, tenant, { prefix: PREFIX, count, perSecond, startsAt });
  const accepted = shots.filter((s) => s.outcome === '202').length;
  const planned = await plannedBy(stack, tenant.id, accepted, aroDue);
  if (planned === 0) throw new Error('reminder storm: no reminder was planned before its instant');
  // From just before the instant until every reminder's outcome is recorded: the whole cost of the storm.
  await sleep(Math.max(0, aroDue - SECOND - Date.now()));
  const aroMeter = cpuOf(stack, 'aro');
  const sent = await waitForMessages(
    stack.db,
    { tenantId: tenant.id, kind: 'reminder_confirm', externalIdPrefix: PREFIX },
    planned,
    aroDue - Date.now() + patience(count, perSecond),
    progress,
  );
  await waitUntil('the reminders recorded in the appointments', patience(count, perSecond), async () =>
    (await stack.db.appointment.count({ where: { tenantId: tenant.id, externalId: { startsWith: PREFIX }, status: 'awaiting_confirmation' } })) >= planned,
  );
  const aroCpu = cpuPerReminder(aroMeter, planned);
  const aro = summarise(aroDue, [...sent.values()]);
  const outliers = new Map([...sent].filter(([, at]) => at - aroDue > aro.p50 + OUTLIER_MS));
  const explained = await explainLateSends(stack.temporal, outliers, aroDue, OUTLIERS_EXPLAINED);

  const bareDue = dueInstant(count, perSecond);
  progress(`reminder storm: ${count} bare workflows at ${perSecond}/s, each sleeping until ${new Date(bareDue).toISOString()}`);
  const handles: WorkflowHandle<typeof bareTimer>[] = [];
  const bareShots = await fireAtRate(count, perSecond, async (i) => {
    handles[i] = await stack.bareTemporal.workflow.start(bareTimer, { workflowId: `bare-${PREFIX}${i}`, taskQueue: BARE_TASK_QUEUE, args: [bareDue] });
    return 'ok';
  });
  const bareStarted = bareShots.filter((s) => s.outcome === 'ok');
  await sleep(Math.max(0, bareDue - SECOND - Date.now()));
  const bareMeter = cpuOf(stack, 'bare');
  const bare = summarise(bareDue, await Promise.all(bareStarted.map((s) => handles[s.index].result())));
  const bareCpu = cpuPerReminder(bareMeter, bareStarted.length);

  const figures: Figure[] = [
    { scenario: SCENARIO, name: `lateness p50, ${count} due at once`, unit: 'ms', aro: aro.p50, bare: bare.p50 },
    { scenario: SCENARIO, name: `lateness p99, ${count} due at once`, unit: 'ms', aro: aro.p99, bare: bare.p99 },
    { scenario: SCENARIO, name: `last send after the instant, ${count} due at once`, unit: 'ms', aro: aro.max, bare: bare.max },
    { scenario: SCENARIO, name: `drain rate, ${count} due at once`, unit: '/s', aro: aro.drainPerSecond, bare: bare.drainPerSecond },
    // The storm is CPU-bound on a small machine: what each reminder costs the worker and the server says why.
    { scenario: SCENARIO, name: 'worker CPU per reminder', unit: 'ms', aro: aroCpu.worker, bare: bareCpu.worker },
    { scenario: SCENARIO, name: 'Temporal server CPU per reminder', unit: 'ms', aro: aroCpu.temporal, bare: bareCpu.temporal },
  ];
  return {
    figures,
    notes: [
      `${accepted} of ${count} bookings accepted (answers ${JSON.stringify(countOutcomes(shots))}), ${planned} planned before the instant; ${bareStarted.length} of ${count} bare workflows started`,
      ...(outliers.size > 0 ? [`${outliers.size} send(s) more than ${OUTLIER_MS / SECOND} s later than the median`] : []),
      ...explained,
    ],
  };
}
