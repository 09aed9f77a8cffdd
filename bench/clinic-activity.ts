// What the clinic activity triggers cost (migration 20261129110000_clinic_web_app): projection
// writes with the trigger against the same writes with it disabled, one at a time and 8 at once
// (NOTIFY serialises committing transactions), and how long an announcement takes to reach a
// listener, on a throwaway PostgreSQL of its own.
// Usage: node dist/bench/clinic-activity.js [--writes 400]
import { parseArgs } from 'node:util';
import { Client } from 'pg';
import { writeProjection } from '../src/db/appointment-projection';
import type { AppointmentProjection } from '../src/workflows/contracts';
import { createPrisma, type Db } from '../src/db/prisma';
import { startThrowawayDatabase } from '../src/toolchain/throwaway-servers';
import { CLINIC_ACTIVITY_CHANNEL } from '../src/api/activity/clinic-activity-feed';

const { values } = parseArgs({ options: { writes: { type: 'string', default: '400' } } });
const writes = Number(values.writes);
if (!Number.isInteger(writes) || writes < 10) throw new Error('--writes: must be a whole number from 10');

const TENANT = 't_bench';
const CONCURRENCY = 8;

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

async function main(): Promise<void> {
  const database = await startThrowawayDatabase();
  const db = createPrisma(database.databaseUrl, { ARO_DB_POOL_SIZE: CONCURRENCY, ARO_DB_ACQUIRE_TIMEOUT_MS: 10_000 });
  const listener = new Client({ connectionString: database.databaseUrl });
  try {
    await db.tenant.create({ data: { id: TENANT, name: 'Bench', timeZone: 'UTC', policy: {}, webhookSecret: 'x', channels: {} } });
    await listener.connect();
    await listener.query(`LISTEN ${CLINIC_ACTIVITY_CHANNEL}`);
    const started = new Map<string, bigint>();
    const latencies: number[] = [];
    listener.on('notification', (n) => {
      const at = process.hrtime.bigint();
      const { externalId } = JSON.parse(n.payload!) as { externalId: string };
      const from = started.get(externalId);
      if (from !== undefined) latencies.push(Number(at - from) / 1e6);
    });
    const toggle = (on: boolean) => db.$executeRawUnsafe(`ALTER TABLE "Appointment" ${on ? 'ENABLE' : 'DISABLE'} TRIGGER "Appointment_changed"`);

    let round = 0;
    await writeAll(db, round++, 1, started); // warm-up: rows exist, plans cached
    const timings: Record<string, number[]> = {};
    // Interleaved, so that the machine's other load falls on both sides alike.
    for (let rep = 0; rep < 3; rep++) {
      for (const concurrency of [1, CONCURRENCY]) {
        for (const triggered of [true, false]) {
          await toggle(triggered);
          latencies.length = 0;
          const ms = await writeAll(db, round++, concurrency, triggered ? started : new Map());
          (timings[`${concurrency}:${triggered}`] ??= []).push(ms);
          if (triggered && concurrency === 1) (timings.latency ??= []).push(...latencies);
        }
      }
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const perSecond = (key: string) => Math.round(writes / (median(timings[key]) / 1000));
    const lat = [...timings.latency].sort((a, b) => a - b);
    const q = (p: number) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))].toFixed(2);
    process.stdout.write(
      `${writes} projection upserts a round, median of 3 rounds each, PostgreSQL on this machine (${process.version})\n` +
        `one at a time:  ${perSecond('1:true')}/s with the trigger, ${perSecond('1:false')}/s without\n` +
        `${CONCURRENCY} at once:      ${perSecond(`${CONCURRENCY}:true`)}/s with the trigger, ${perSecond(`${CONCURRENCY}:false`)}/s without\n` +
        `write start to announcement at a listener (one at a time): p50 ${q(0.5)} ms, p99 ${q(0.99)} ms (${lat.length} announcements)\n`,
    );
  } finally {
    await listener.end().catch(() => undefined);
    await db.$disconnect();
    await database.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
