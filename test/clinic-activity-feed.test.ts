// The clinic's live feed against a real PostgreSQL: what each writer's change announces, to whom, and
// that the cursor misses nothing committed late (the SSE end of it is in graphql-api.test.ts).
import assert from 'node:assert/strict';
import { Client } from 'pg';
import { ClinicActivityFeed, type ClinicActivityEvent } from '../src/api/activity/clinic-activity-feed';
import { applyReceipt } from '../src/activities/delivery-receipts';
import { writeProjection } from '../src/db/appointment-projection';
import { createPrisma, type Db } from '../src/db/prisma';
import type { AppointmentProjection } from '../src/workflows/contracts';
import { startTestDatabase, type TestDatabase } from './support/servers';

/** A subscriber's stream, read as it arrives. */
function listen(events: AsyncIterableIterator<ClinicActivityEvent>) {
  const received: ClinicActivityEvent[] = [];
  const waiters: { check: (e: ClinicActivityEvent) => boolean; resolve: (e: ClinicActivityEvent) => void }[] = [];
  void (async () => {
    for await (const event of events) {
      received.push(event);
      for (const w of waiters.filter((x) => x.check(event))) w.resolve(event);
    }
  })();
  return {
    received,
    /** The first event of this appointment and kind from the `from`th received on (already received, or to come). */
    waitFor: (externalId: string, kind: string, from = 0) =>
      new Promise<ClinicActivityEvent>((resolve) => {
        const check = (e: ClinicActivityEvent) => e.externalId === externalId && e.kind === kind;
        const seen = received.slice(from).find(check);
        if (seen) resolve(seen);
        else waiters.push({ check, resolve });
      }),
    close: () => events.return?.(),
  };
}

function projection(externalId: string, status: AppointmentProjection['status']): AppointmentProjection {
  return {
    externalId,
    status,
    needsAttention: false,
    startsAt: '2030-01-01T10:00:00.000Z',
    patientName: 'Nora Vidal',
    patientPhone: '+15550000001',
    provider: null,
    location: null,
    nextTouchAt: null,
    nextTouchKind: null,
    attentionReasons: [],
  };
}

describe('clinic activity feed', function () {
  this.timeout(60_000);
  let database: TestDatabase;
  let db: Db;
  let feed: ClinicActivityFeed;
  let revision = 0;

  const book = (tenantId: string, externalId: string, status: AppointmentProjection['status'] = 'scheduled') =>
    writeProjection(db, { tenantId, workflowId: `appt:${tenantId}:${externalId}`, revision: ++revision, projection: projection(externalId, status) });

  before(async function () {
    this.timeout(5 * 60_000);
    database = await startTestDatabase();
    db = createPrisma(database.databaseUrl);
    for (const id of ['t_north', 't_south']) {
      await db.tenant.create({ data: { id, name: id, timeZone: 'UTC', policy: {}, webhookSecret: 'x', channels: {} } });
    }
    feed = new ClinicActivityFeed(db);
  });

  after(async () => {
    feed?.onModuleDestroy();
    await db?.$disconnect();
    await database?.stop();
  });

  it('announces a message leaving and its delivery status as the receipts write them, to its own clinic only', async () => {
    await book('t_north', 'n-1');
    await db.message.create({
      data: {
        id: 'msg-n-1',
        tenantId: 't_north',
        appointmentId: 'appt:t_north:n-1',
        direction: 'outbound',
        channel: 'sms',
        toPhone: '+15550000001',
        body: 'See you tomorrow',
        provider: 'twilio',
        providerMessageId: 'SM-n-1',
        status: 'pending',
      },
    });
    const north = listen(await feed.subscribe('t_north'));
    const south = listen(await feed.subscribe('t_south'));
    try {
      const sent = { tenantId: 't_north', provider: 'twilio', providerMessageId: 'SM-n-1' };
      assert.equal((await applyReceipt(db, sent, 'sent', undefined))?.moved, true);
      await north.waitFor('n-1', 'message');
      assert.equal((await applyReceipt(db, sent, 'delivered', undefined))?.moved, true);
      const delivered = await north.waitFor('n-1', 'delivery_status');
      const row = await db.message.findUniqueOrThrow({ where: { id: 'msg-n-1' } });
      assert.deepEqual(delivered.at, row.activityAt, 'at: the time of the transaction that wrote the status');
      // South's subscriber hears its own booking, and never North's.
      await book('t_south', 's-1');
      await south.waitFor('s-1', 'appointment');
      assert.deepEqual(south.received.map((e) => e.externalId), ['s-1']);
      assert.ok(!north.received.some((e) => e.externalId === 's-1'));
    } finally {
      await north.close();
      await south.close();
    }
  });

  it('announces a change committed after the poll moved past it, though its transaction id and time are older', async () => {
    const north = listen(await feed.subscribe('t_north'));
    const slow = new Client({ connectionString: database.databaseUrl });
    await slow.connect();
    try {
      await book('t_north', 'late-1');
      await north.waitFor('late-1', 'appointment');
      const booked = north.received.length;
      // The slow writer stamps its row first (older id, older time) and commits last.
      await slow.query('BEGIN');
      await slow.query(`UPDATE "Appointment" SET "status" = 'confirmed' WHERE "tenantId" = 't_north' AND "externalId" = 'late-1'`);
      await book('t_north', 'quick-1');
      // A poll has read the quick change, committed after the slow one began: the feed is past it.
      const quick = await north.waitFor('quick-1', 'appointment');
      await slow.query('COMMIT');
      const late = await north.waitFor('late-1', 'appointment', booked);
      assert.ok(late.at < quick.at, `the late change's time ${late.at.toISOString()} is older than ${quick.at.toISOString()}`);
      await book('t_north', 'quick-2');
      await north.waitFor('quick-2', 'appointment');
      assert.equal(north.received.slice(booked).filter((e) => e.externalId === 'late-1').length, 1, 'announced once');
    } finally {
      await slow.end();
      await north.close();
    }
  });

  it('announces only what a screen shows: a new revision of the same state is not news', async () => {
    const north = listen(await feed.subscribe('t_north'));
    try {
      await book('t_north', 'same-1');
      await north.waitFor('same-1', 'appointment');
      const booked = north.received.length;
      await book('t_north', 'same-1'); // the same state, a later revision
      await book('t_north', 'same-1', 'confirmed');
      await book('t_north', 'after-same-1');
      // Everything written before the last booking has been announced by the time it is.
      await north.waitFor('after-same-1', 'appointment');
      assert.deepEqual(
        north.received.slice(booked).map((e) => e.externalId),
        ['same-1', 'after-same-1'],
      );
    } finally {
      await north.close();
    }
  });
});
