// Scenario 3: many appointments whose reminder falls due at the same instant T0 — how late the sends are
// and how fast the backlog drains — against bare workflows sleeping until T0, then running one activity.
import { setTimeout as sleep } from 'node:timers/promises';
import type { WorkflowHandle } from '@temporalio/client';
import { BARE_TASK_QUEUE } from '../bench-process';
import { bareTimer } from '../baseline/bare-workflows';
import type { Figure, ScenarioResult } from '../figures';
import { waitForMessages } from '../messages';
import { fireAtRate } from '../open-loop';
import { STORM_POLICY } from '../policies';
import type { BenchStack } from '../stack';
import { percentile, ratePerSecond } from '../stats';
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
  const sent = await waitForMessages(
    stack.db,
    { tenantId: tenant.id, kind: 'reminder_confirm', externalIdPrefix: PREFIX },
    planned,
    aroDue - Date.now() + patience(count, perSecond),
    progress,
  );
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
  const bare = summarise(bareDue, await Promise.all(bareStarted.map((s) => handles[s.index].result())));

  const figures: Figure[] = [
    { scenario: SCENARIO, name: `lateness p50, ${count} due at once`, unit: 'ms', aro: aro.p50, bare: bare.p50 },
    { scenario: SCENARIO, name: `lateness p99, ${count} due at once`, unit: 'ms', aro: aro.p99, bare: bare.p99 },
    { scenario: SCENARIO, name: `last send after the instant, ${count} due at once`, unit: 'ms', aro: aro.max, bare: bare.max },
    { scenario: SCENARIO, name: `drain rate, ${count} due at once`, unit: '/s', aro: aro.drainPerSecond, bare: bare.drainPerSecond },
  ];
  return {
    figures,
    notes: [
      `${accepted} of ${count} bookings accepted, ${planned} planned before the instant; ${bareStarted.length} of ${count} bare workflows started`,
      ...(outliers.size > 0 ? [`${outliers.size} send(s) more than ${OUTLIER_MS / SECOND} s later than the median`] : []),
      ...explained,
    ],
  };
}
