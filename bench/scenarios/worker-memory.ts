// Scenario 6: what an open lifecycle costs the worker that caches it — held heap and RSS after full
// collections, before and after N lifecycles settle, divided by N — against N bare workflows waiting on
// a timer in a worker process of the same kind.
import type { WorkflowHandle } from '@temporalio/client';
import { BARE_TASK_QUEUE } from '../bench-process';
import { bareTimer } from '../baseline/bare-workflows';
import type { Figure, ScenarioResult } from '../figures';
import { fireAtRate } from '../open-loop';
import { BENCH_POLICY } from '../policies';
import type { BenchProcess } from '../processes';
import { workflowIdOf } from '../stack';
import { waitUntil } from '../waiting';
import { bookAtRate, confirmationsSent, DAY, farAhead, patience, type ScenarioContext } from './scenario';

const SCENARIO = 'worker memory';
const PREFIX = 'mem-';
const KIB = 1024;

/** True once no workflow task or activity of these workflows is scheduled or running. */
async function allIdle(handles: WorkflowHandle[]): Promise<boolean> {
  const descriptions = await Promise.all(handles.map((h) => h.describe()));
  return descriptions.every((d) => !d.raw.pendingWorkflowTask && (d.raw.pendingActivities?.length ?? 0) === 0);
}

/** Held memory of `worker` grown by the workflows `open()` opens, per workflow, in KiB. */
async function perWorkflow(worker: BenchProcess, open: () => Promise<WorkflowHandle[]>, timeoutMs: number) {
  const before = await worker.heldMemory();
  const handles = await open();
  if (handles.length === 0) throw new Error('worker memory: no workflow was opened');
  await waitUntil('the workflows to settle', timeoutMs, () => allIdle(handles));
  const after = await worker.heldMemory();
  const per = (grown: number) => grown / handles.length / KIB;
  return { heap: per(after.heapUsed - before.heapUsed), rss: per(after.rss - before.rss), open: handles.length };
}

export async function workerMemory(context: ScenarioContext): Promise<ScenarioResult> {
  const { stack, size, progress } = context;
  const { count, perSecond } = size.memory;
  const tenant = await stack.createTenant('Bench Memory', BENCH_POLICY);
  const timeoutMs = patience(count, perSecond);
  progress(`worker memory: ${count} open lifecycles in the ARO worker's cache`);
  const aro = await perWorkflow(
    stack.processes.aroWorker,
    async () => {
      const shots = await bookAtRate(stack, tenant, { prefix: PREFIX, count, perSecond, startsAt: farAhead() });
      const accepted = shots.filter((s) => s.outcome === '202');
      await confirmationsSent(context, tenant, PREFIX, accepted.length, timeoutMs);
      return accepted.map((s) => stack.temporal.workflow.getHandle(workflowIdOf(tenant.id, `${PREFIX}${s.index}`)));
    },
    timeoutMs,
  );
  progress(`worker memory: ${count} bare workflows waiting on a timer in the bare worker's cache`);
  const bare = await perWorkflow(
    stack.processes.bareWorker,
    async () => {
      const dueAt = Date.now() + DAY;
      const handles: WorkflowHandle[] = [];
      const shots = await fireAtRate(count, perSecond, async (i) => {
        handles[i] = await stack.bareTemporal.workflow.start(bareTimer, { workflowId: `bare-${PREFIX}${i}`, taskQueue: BARE_TASK_QUEUE, args: [dueAt] });
        return 'ok';
      });
      return shots.filter((s) => s.outcome === 'ok').map((s) => handles[s.index]);
    },
    timeoutMs,
  );
  const figures: Figure[] = [
    { scenario: SCENARIO, name: `held heap per cached workflow, ${count} open`, unit: 'KiB', aro: aro.heap, bare: bare.heap },
    { scenario: SCENARIO, name: `RSS per cached workflow, ${count} open`, unit: 'KiB', aro: aro.rss, bare: bare.rss },
  ];
  return {
    figures,
    notes: [
      `${aro.open} ARO lifecycles and ${bare.open} bare workflows opened`,
      'each worker is its own process, started with --expose-gc and maxCachedWorkflows above every workflow the run opens',
    ],
  };
}
