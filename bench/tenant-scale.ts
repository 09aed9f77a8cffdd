// Benchmark: what idle tenants cost one ARO worker process — its memory, the long polls it keeps open at
// the Temporal server and the poll requests a second it sends there — at several tenant counts, on the
// real Temporal dev server (counted server-side from its Prometheus metrics) and PostgreSQL. The
// tenants are dedicated (each on its own queue) or pooled; with --shards N the measured process is
// shard 0 of N (it serves about 1/N of the dedicated tenants).
import { setTimeout as sleep } from 'node:timers/promises';
import { createPrisma, type Db } from '../src/db/prisma';
import { generatePayloadKey } from '../src/temporal/payload-codec';
import { createTenant } from '../src/tenants/create-tenant';
import { startThrowawayDatabase, startThrowawayTemporal } from '../src/toolchain/throwaway-servers';
import { commandOptions } from './command-line';
import { cpuMeter, cpuSecondsOf, startBenchProcess } from './processes';

export interface IdleCost {
  tenants: number;
  /** Seconds from the worker process's start until it reported every tenant's queue polled. */
  startSeconds: number;
  /** The worker process's RSS after full collections, in MB. */
  heldRssMb: number;
  /** Its JavaScript heap after full collections, in MB. */
  heldHeapMb: number;
  /** Long polls the server held open for the namespace 10 s after the start, before the window (activity + workflow). */
  openPollsAtStart: number;
  /** Long polls it held open at the end of the window: what autoscaling pollers have shrunk to after a minute idle. */
  openPolls: number;
  /** Poll requests a second the server answered for the namespace during the window. */
  pollsPerSecond: number;
  /** CPU seconds a second the worker process used during the window. */
  workerCpu: number;
  /** CPU seconds a second the Temporal server used during the window. */
  serverCpu: number;
}

const POLL_OPERATIONS = ['PollActivityTaskQueue', 'PollWorkflowTaskQueue'];

/** Sums a Prometheus series of the frontend over the poll operations of `namespace`. */
function pollSeries(metrics: string, name: string, namespace: string): number {
  let sum = 0;
  for (const line of metrics.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const labels = line.slice(line.indexOf('{') + 1, line.lastIndexOf('}'));
    if (!labels.includes(`namespace="${namespace}"`) || !labels.includes('service_name="frontend"')) continue;
    if (!POLL_OPERATIONS.some((op) => labels.includes(`operation="${op}"`))) continue;
    sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

async function readMetrics(url: string): Promise<string> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`the Temporal server's metrics answered HTTP ${res.status}`);
  return res.text();
}

const mb = (bytes: number): number => Math.round(bytes / 2 ** 20);
const perSecond = (value: number, seconds: number): number => Number((value / seconds).toFixed(2));

/** Adds tenants directly in PostgreSQL (ARO's own createTenant, as the tests do) until there are `count`. */
async function growTenants(db: Db, count: number, executor: 'dedicated' | 'pooled'): Promise<void> {
  for (let have = await db.tenant.count(); have < count; have++) {
    await createTenant(db, { name: `Scale Clinic ${have}`, timeZone: 'UTC', executor });
  }
}

export interface TenantScaleOptions {
  sizes: number[];
  /** Seconds over which poll requests and CPU are counted; longer than the server's 60 s long poll. */
  windowSeconds: number;
  executor: 'dedicated' | 'pooled';
  /** The measured process is shard 0 of this many. */
  shards: number;
  progress: (line: string) => void;
}

/** Measures one freshly started worker process per size, each over the same servers and a growing tenant list. */
export async function measureIdleTenants(options: TenantScaleOptions): Promise<IdleCost[]> {
  const [database, temporal] = await Promise.all([startThrowawayDatabase(), startThrowawayTemporal({ metrics: true })]);
  const db = createPrisma(database.databaseUrl);
  const results: IdleCost[] = [];
  try {
    const env = {
      DATABASE_URL: database.databaseUrl,
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_NAMESPACE: temporal.namespace,
      ARO_LOG_LEVEL: 'error',
      // As in production (the idle cost hardly depends on it).
      ARO_PAYLOAD_KEYS: generatePayloadKey('bench'),
      ARO_TENANT_SHARDS: String(options.shards),
      ARO_TENANT_SHARD: '0',
    };
    for (const size of options.sizes) {
      options.progress(`${size} tenants: creating them`);
      await growTenants(db, size, options.executor);
      options.progress(`${size} tenants: starting a worker process`);
      const startedAt = Date.now();
      const worker = await startBenchProcess('aro', env);
      try {
        const startSeconds = (Date.now() - startedAt) / 1000;
        // Let the pollers settle (the SDK scales its pollers) before counting.
        await sleep(10_000);
        const before = await readMetrics(temporal.metricsUrl!);
        const cpu = cpuMeter({ worker: worker.cpuSeconds, server: () => cpuSecondsOf(temporal.pid) });
        const windowStart = Date.now();
        options.progress(`${size} tenants: counting for ${options.windowSeconds} s`);
        await sleep(options.windowSeconds * 1000);
        const after = await readMetrics(temporal.metricsUrl!);
        const used = cpu.used();
        const seconds = (Date.now() - windowStart) / 1000;
        const held = await worker.heldMemory();
        const ns = temporal.namespace;
        results.push({
          tenants: size,
          startSeconds: Number(startSeconds.toFixed(1)),
          heldRssMb: mb(held.rss),
          heldHeapMb: mb(held.heapUsed),
          openPollsAtStart: pollSeries(before, 'service_pending_requests', ns),
          openPolls: pollSeries(after, 'service_pending_requests', ns),
          pollsPerSecond: perSecond(pollSeries(after, 'service_requests', ns) - pollSeries(before, 'service_requests', ns), seconds),
          workerCpu: perSecond(used.worker, seconds),
          serverCpu: perSecond(used.server, seconds),
        });
      } finally {
        await worker.stop();
      }
    }
    return results;
  } finally {
    await db.$disconnect();
    await temporal.stop();
    await database.stop();
  }
}

export function idleCostTable(results: IdleCost[]): string {
  const rows = results.map((r) =>
    [r.tenants, r.startSeconds, r.heldRssMb, r.heldHeapMb, r.openPollsAtStart, r.openPolls, r.pollsPerSecond, r.workerCpu, r.serverCpu].join(' | '),
  );
  return [
    '| tenants | start (s) | held RSS (MB) | held heap (MB) | open polls at 10 s | open polls at end | poll requests/s | worker CPU (s/s) | server CPU (s/s) |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map((row) => `| ${row} |`),
  ].join('\n');
}

if (require.main === module) {
  const values = commandOptions('Usage: npm run bench:tenants -- [--tenants 10,100,1000] [--executor dedicated|pooled] [--shards 1] [--window 65] [--json]', {
    tenants: { type: 'string', default: '10,100,1000' },
    executor: { type: 'string', default: 'dedicated' },
    shards: { type: 'string', default: '1' },
    window: { type: 'string', default: '65' },
    json: { type: 'boolean', default: false },
  });
  const sizes = values.tenants.split(',').map(Number);
  if (sizes.some((n) => !Number.isInteger(n) || n < 0)) throw new Error('--tenants: a comma-separated list of whole numbers, e.g. 10,100,1000');
  if (values.executor !== 'dedicated' && values.executor !== 'pooled') throw new Error('--executor: dedicated or pooled');
  const shards = Number(values.shards);
  measureIdleTenants({ sizes, executor: values.executor, shards, windowSeconds: Number(values.window), progress: (line) => process.stderr.write(`[bench:tenants] ${line}\n`) })
    .then((results) => {
      process.stdout.write(values.json ? `${JSON.stringify(results, null, 2)}\n` : `${idleCostTable(results)}\n`);
      process.exit(0);
    })
    .catch((err) => {
      console.error(err);
      process.exit(1);
    });
}
