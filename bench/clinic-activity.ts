// What the clinic's live feed costs the write path, on a throwaway PostgreSQL of its own: projection
// writes one at a time and 8 at once with no feed, with the NOTIFY triggers the feed first used
// (migration 20261129110000_clinic_web_app, put back here for the comparison), with today's stamping
// triggers (20261129130000_clinic_activity_polling), and with those while a feed polls for 1,000
// subscribed clinics; then what one poll costs, and how long a change takes to reach a subscriber.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeProjection } from '../src/db/appointment-projection';
import type { AppointmentProjection } from '../src/workflows/contracts';
import { createPrisma, type Db } from '../src/db/prisma';
import { startThrowawayDatabase } from '../src/toolchain/throwaway-servers';
import { activitySnapshot, POLL_INTERVAL_MS, readClinicActivity } from '../src/api/activity/clinic-activity-feed';
import { commandOptions } from './command-line';

const values = commandOptions('Usage: node dist/bench/clinic-activity.js [--writes 400] [--tenants 1000]', {
  writes: { type: 'string', default: '400' },
  tenants: { type: 'string', default: '1000' },
});
const writes = Number(values.writes);
const tenants = Number(values.tenants);
if (!Number.isInteger(writes) || writes < 10) throw new Error('--writes: must be a whole number from 10');
if (!Number.isInteger(tenants) || tenants < 1) throw new Error('--tenants: must be a whole number from 1');

const TENANT = 't_bench';
const CONCURRENCY = 8;
const ROUNDS = 5;
const FEEDS = ['none', 'notify', 'stamp', 'stamp+poll'] as const;
type Feed = (typeof FEEDS)[number];
const NOTIFY_TRIGGERS = ['Appointment_booked', 'Appointment_changed'];
const STAMP_TRIGGERS = ['Appointment_booked_stamp', 'Appointment_changed_stamp'];

/** The NOTIFY functions and triggers, as the first clinic web app migration created them. */
function notifyTriggersSql(): string {
  const migration = readFileSync(join(__dirname, '..', '..', 'prisma', 'migrations', '20261129110000_clinic_web_app', 'migration.sql'), 'utf8');
  return migration.slice(migration.indexOf('CREATE FUNCTION'));
}

function projection(i: number, round: number): AppointmentProjection {
  return {
    externalId: `bench-${i}`,
    status: round % 2 === 0 ? 'scheduled' : 'confirmed',
    needsAttention: false,
    startsAt: new Date(Date.UTC(2030, 0, 1) + i * 60_000).toISOString(),
    patientName: 'Bench Patient',
    patientPhone: '+15550000000',
    provider: null,
    location: null,
    nextTouchAt: null,
    nextTouchKind: null,
    attentionReasons: [],
  };
}

/** Writes every row once (a new revision each round); the wall time in ms. */
async function writeAll(db: Db, round: number, concurrency: number, started: Map<string, bigint>): Promise<number> {
  const begin = process.hrtime.bigint();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < writes; i = next++) {
        started.set(`bench-${i}`, process.hrtime.bigint());
        await writeProjection(db, { tenantId: TENANT, workflowId: `appt:${TENANT}:bench-${i}`, revision: round + 1, projection: projection(i, round) });
      }
    }),
  );
  return Number(process.hrtime.bigint() - begin) / 1e6;
}

/** Polls as the API's feed does, for `tenantIds`, recording each poll's time and each change's delay. */
function startPolling(db: Db, tenantIds: string[], started: Map<string, bigint>, delays: number[], pollMs: number[]) {
  let stopped = false;
  const done = (async () => {
    let since = await activitySnapshot(db);
    while (!stopped) {
      await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
      const begin = process.hrtime.bigint();
      const read = await readClinicActivity(db, tenantIds, since);
      const at = process.hrtime.bigint();
      pollMs.push(Number(at - begin) / 1e6);
      since = read.snapshot;
      for (const change of read.changes) {
        const from = started.get(change.externalId);
        if (from !== undefined) delays.push(Number(at - from) / 1e6);
      }
    }
  })();
  return async () => {
    stopped = true;
    await done;
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const quantile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))].toFixed(1);

async function main(): Promise<void> {
  const database = await startThrowawayDatabase();
  const db = createPrisma(database.databaseUrl, { ARO_DB_POOL_SIZE: CONCURRENCY + 1, ARO_DB_ACQUIRE_TIMEOUT_MS: 10_000 });
  try {
    await db.tenant.create({ data: { id: TENANT, name: 'Bench', timeZone: 'UTC', policy: {}, webhookSecret: 'x', channels: {} } });
    await db.$executeRawUnsafe(notifyTriggersSql());
    const subscribed = [TENANT, ...Array.from({ length: tenants - 1 }, (_, i) => `t_subscriber_${i}`)];
    const use = async (feed: Feed) => {
      for (const name of [...NOTIFY_TRIGGERS, ...STAMP_TRIGGERS]) {
        const on = feed === 'notify' ? NOTIFY_TRIGGERS.includes(name) : feed !== 'none' && STAMP_TRIGGERS.includes(name);
        await db.$executeRawUnsafe(`ALTER TABLE "Appointment" ${on ? 'ENABLE' : 'DISABLE'} TRIGGER "${name}"`);
      }
    };

    let round = 0;
    await writeAll(db, round++, 1, new Map()); // warm-up: rows exist, plans cached
    const timings: Record<string, number[]> = {};
    const delays: number[] = [];
    const pollMs: number[] = [];
    // Interleaved, and in a turning order, so that the machine's other load falls on every variant alike.
    for (let rep = 0; rep < ROUNDS; rep++) {
      for (const concurrency of [1, CONCURRENCY]) {
        for (const feed of [...FEEDS.slice(rep % FEEDS.length), ...FEEDS.slice(0, rep % FEEDS.length)]) {
          await use(feed);
          const started = new Map<string, bigint>();
          const stop = feed === 'stamp+poll' ? startPolling(db, subscribed, started, concurrency === 1 ? delays : [], pollMs) : undefined;
          (timings[`${concurrency}:${feed}`] ??= []).push(await writeAll(db, round++, concurrency, started));
          await stop?.();
        }
      }
    }
    // One poll's cost with nothing new, for the same clinics (an idle evening with screens open).
    await use('stamp');
    const idle: number[] = [];
    let since = await activitySnapshot(db);
    for (let i = 0; i < 20; i++) {
      const begin = process.hrtime.bigint();
      since = (await readClinicActivity(db, subscribed, since)).snapshot;
      idle.push(Number(process.hrtime.bigint() - begin) / 1e6);
    }
    const perSecond = (key: string) => Math.round(writes / (median(timings[key]) / 1000)).toString().padStart(5);
    const row = (concurrency: number) => FEEDS.map((feed) => `${feed} ${perSecond(`${concurrency}:${feed}`)}/s`).join(', ');
    process.stdout.write(
      `${writes} projection upserts a round, median of ${ROUNDS} rounds each, PostgreSQL on this machine (${process.version})\n` +
        `one at a time: ${row(1)}\n` +
        `${CONCURRENCY} at once:     ${row(CONCURRENCY)}\n` +
        `one poll for ${tenants} subscribed clinics: p50 ${quantile(pollMs, 0.5)} ms, p99 ${quantile(pollMs, 0.99)} ms while writing (${pollMs.length} polls); ` +
        `p50 ${quantile(idle, 0.5)} ms with nothing new\n` +
        `write start to change read by the poll (one at a time, every ${POLL_INTERVAL_MS} ms): p50 ${quantile(delays, 0.5)} ms, ` +
        `p99 ${quantile(delays, 0.99)} ms, max ${quantile(delays, 1)} ms (${delays.length} changes)\n`,
    );
  } finally {
    await db.$disconnect();
    await database.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
