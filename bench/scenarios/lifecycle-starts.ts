// Scenario 2: bookings at a fixed rate until each one's booking confirmation has been sent, against bare
// workflows with one no-op activity started at the same rate until each one's activity has run.
import type { WorkflowHandle } from '@temporalio/client';
import { BARE_TASK_QUEUE } from '../bench-process';
import { bareOneActivity } from '../baseline/bare-workflows';
import type { Figure, ScenarioResult } from '../figures';
import { countOutcomes, fireAtRate } from '../open-loop';
import { BENCH_POLICY } from '../policies';
import { cpuMeter, cpuSecondsOf } from '../processes';
import { workflowIdOf } from '../stack';
import { percentile, ratePerSecond } from '../stats';
import { bookAtRate, confirmationsSent, farAhead, patience, type ScenarioContext } from './scenario';

const SCENARIO = 'lifecycle starts';
const PREFIX = 'st-';

export interface LifecycleStarts {
  result: ScenarioResult;
  /** One workflow of each kind, whose history now ends with its first send. */
  sample: { aro: string; bare: string };
}

/** Per-item latency and the completion rate, from when each was due to when it was done. */
function measure(dueAt: number[], doneAt: number[]): { latencies: number[]; perSecond: number } {
  return {
    latencies: doneAt.map((done, i) => done - dueAt[i]),
    perSecond: ratePerSecond(doneAt.length, Math.min(...dueAt), Math.max(...doneAt)),
  };
}

export async function lifecycleStarts(context: ScenarioContext): Promise<LifecycleStarts> {
  const { stack, size, progress } = context;
  const { api, aroWorker, bareWorker } = stack.processes;
  const { count, perSecond } = size.starts;
  const tenant = await stack.createTenant('Bench Starts', BENCH_POLICY);
  progress(`lifecycle starts: ${count} bookings at ${perSecond}/s, until each confirmation is sent`);
  const startsAt = farAhead();
  const temporalCpu = () => cpuSecondsOf(stack.temporalPid);
  const aroMeter = cpuMeter({ api: api.cpuSeconds, worker: aroWorker.cpuSeconds, temporal: temporalCpu });
  const shots = await bookAtRate(stack, tenant, { prefix: PREFIX, count, perSecond, startsAt });
  const accepted = shots.filter((s) => s.outcome === '202');
  if (accepted.length === 0) throw new Error(`lifecycle starts: no booking was accepted (${shots[0].outcome})`);
  const sent = await confirmationsSent(context, tenant, PREFIX, accepted.length, patience(count, perSecond));
  const aroCpu = aroMeter.used();
  const aro = measure(
    accepted.map((s) => s.scheduledAt),
    accepted.map((s) => sent.get(workflowIdOf(tenant.id, `${PREFIX}${s.index}`))!),
  );

  progress(`lifecycle starts: ${count} bare one-activity workflows at ${perSecond}/s`);
  const bareMeter = cpuMeter({ worker: bareWorker.cpuSeconds, temporal: temporalCpu });
  const handles: WorkflowHandle<typeof bareOneActivity>[] = [];
  const bareShots = await fireAtRate(count, perSecond, async (i) => {
    handles[i] = await stack.bareTemporal.workflow.start(bareOneActivity, { workflowId: `bare-${PREFIX}${i}`, taskQueue: BARE_TASK_QUEUE });
    return 'ok';
  });
  const bareStarted = bareShots.filter((s) => s.outcome === 'ok');
  const bare = measure(
    bareStarted.map((s) => s.scheduledAt),
    await Promise.all(bareStarted.map((s) => handles[s.index].result())),
  );
  const bareCpu = bareMeter.used();

  const figures: Figure[] = [50, 95, 99].map((p) => ({
    scenario: SCENARIO,
    name: `booked → first send p${p} at ${perSecond}/s`,
    unit: 'ms',
    aro: percentile(aro.latencies, p),
    bare: percentile(bare.latencies, p),
  }));
  figures.push(
    { scenario: SCENARIO, name: `completed per second at ${perSecond}/s`, unit: '/s', aro: aro.perSecond, bare: bare.perSecond },
    // CPU is what a loaded machine distorts least: the worker's and the server's per start, the API's per booking.
    {
      scenario: SCENARIO,
      name: 'worker CPU per start',
      unit: 'ms',
      aro: (aroCpu.worker * 1000) / accepted.length,
      bare: (bareCpu.worker * 1000) / bareStarted.length,
    },
    {
      scenario: SCENARIO,
      name: 'Temporal server CPU per start',
      unit: 'ms',
      aro: (aroCpu.temporal * 1000) / accepted.length,
      bare: (bareCpu.temporal * 1000) / bareStarted.length,
    },
    { scenario: SCENARIO, name: 'API CPU per booking', unit: 'ms', aro: (aroCpu.api * 1000) / accepted.length, bare: null },
  );
  return {
    result: { figures, notes: [`${accepted.length} of ${count} bookings accepted (answers ${JSON.stringify(countOutcomes(shots))}); ${bareStarted.length} of ${count} bare workflows started`] },
    sample: { aro: workflowIdOf(tenant.id, `${PREFIX}${accepted[0].index}`), bare: `bare-${PREFIX}${bareStarted[0].index}` },
  };
}
