// The workflow's record step against a real PostgreSQL: a retried step writes each row once, a late
// step never overwrites a newer projection, and the row, timeline and audit are written together or
// not at all — whatever time zone the database session runs in.
import assert from 'node:assert/strict';
import { createAppointmentRecord } from '../src/activities/appointment-record';
import { createPrisma, type Db } from '../src/db/prisma';
import type { AppointmentRecordCommand } from '../src/workflows/contracts';
import { startTestDatabase, type TestDatabase } from './support/servers';

const TENANT = 't_record';

function command(externalId: string, revision: number, overrides: Partial<AppointmentRecordCommand> = {}): AppointmentRecordCommand {
  const workflowId = `appt:${TENANT}:${externalId}`;
  return {
    tenantId: TENANT,
    workflowId,
    lifecycleId: `run-${externalId}`,
    revision,
    projection: {
      externalId,
      status: 'confirmed',
      needsAttention: true,
      startsAt: '2030-01-01T10:00:00.000Z',
      patientName: 'Nora Vidal',
      patientPhone: '+15550000001',
      provider: 'Dr Okafor',
      location: null,
      nextTouchAt: '2029-12-31T10:00:00.000Z',
      nextTouchKind: 'reminder',
      attentionReasons: ['reply:m-1'],
    },
    timeline: [
      { seq: 2 * revision - 1, at: '2029-12-20T09:00:00.123Z', kind: 'confirmation.sent', detail: "Nora's \"yes\" — ✓" },
      { seq: 2 * revision, at: '2029-12-20T09:05:00.000Z', kind: 'reply.received' },
    ],
    audit: [
      {
        dedupeKey: `${workflowId}:${revision}:confirmed`,
        actor: 'workflow',
        action: 'appointment.confirmed',
        subject: workflowId,
        detail: { by: 'reply', words: ['yes', 'oui'], nested: { n: 1 } },
        at: '2029-12-20T09:05:00.000Z',
      },
    ],
    consent: [],
    ...overrides,
  };
}

describe('appointment record step', function () {
  this.timeout(60_000);
  let database: TestDatabase;
  let db: Db;
  let record: ReturnType<typeof createAppointmentRecord>;

  before(async function () {
    this.timeout(5 * 60_000);
    database = await startTestDatabase();
    // A session zone far from UTC: the step's instants must still land as UTC.
    const url = new URL(database.databaseUrl);
    url.searchParams.set('options', '-c TimeZone=Pacific/Kiritimati');
    db = createPrisma(url.toString());
    await db.tenant.create({ data: { id: TENANT, name: TENANT, timeZone: 'UTC', policy: {}, webhookSecret: 'x', channels: {} } });
    record = createAppointmentRecord({ db });
  });

  after(async () => {
    await db?.$disconnect();
    await database?.stop();
  });

  const rowsOf = async (externalId: string) => ({
    appointment: await db.appointment.findUnique({ where: { tenantId_externalId: { tenantId: TENANT, externalId } } }),
    timeline: await db.timelineEntry.findMany({ where: { lifecycleId: `run-${externalId}` }, orderBy: { seq: 'asc' } }),
    audit: await db.auditEvent.findMany({ where: { tenantId: TENANT, subject: `appt:${TENANT}:${externalId}` }, orderBy: { id: 'asc' } }),
  });

  it('writes the row, the timeline and the audit as the command says them', async () => {
    const cmd = command('exact-1', 1);
    const before = Date.now();
    await record(cmd);
    const after = Date.now();
    const { appointment, timeline, audit } = await rowsOf('exact-1');
    assert.ok(appointment);
    // In UTC like every instant ARO stores, though the session's zone is 14 hours ahead (a second's slack for rounding).
    const updated = appointment.updatedAt.getTime();
    assert.ok(updated >= before - 1000 && updated <= after + 1000, `updatedAt ${appointment.updatedAt.toISOString()}`);
    assert.deepEqual(
      {
        workflowId: appointment.workflowId,
        status: appointment.status,
        needsAttention: appointment.needsAttention,
        startsAt: appointment.startsAt.toISOString(),
        provider: appointment.provider,
        location: appointment.location,
        nextTouchAt: appointment.nextTouchAt?.toISOString(),
        nextTouchKind: appointment.nextTouchKind,
        attentionReasons: appointment.attentionReasons,
        revision: appointment.revision,
      },
      {
        workflowId: cmd.workflowId,
        status: 'confirmed',
        needsAttention: true,
        startsAt: '2030-01-01T10:00:00.000Z',
        provider: 'Dr Okafor',
        location: null,
        nextTouchAt: '2029-12-31T10:00:00.000Z',
        nextTouchKind: 'reminder',
        attentionReasons: ['reply:m-1'],
        revision: 1,
      },
    );
    assert.deepEqual(
      timeline.map((t) => ({ tenantId: t.tenantId, workflowId: t.workflowId, seq: t.seq, at: t.at.toISOString(), kind: t.kind, detail: t.detail })),
      cmd.timeline.map((t) => ({ tenantId: TENANT, workflowId: cmd.workflowId, seq: t.seq, at: t.at, kind: t.kind, detail: t.detail ?? null })),
    );
    const [entry] = cmd.audit;
    assert.deepEqual(
      audit.map((a) => ({ id: a.id, dedupeKey: a.dedupeKey, actor: a.actor, action: a.action, detail: a.detail, at: a.at.toISOString() })),
      [{ id: `a_${entry.dedupeKey}`, dedupeKey: entry.dedupeKey, actor: entry.actor, action: entry.action, detail: entry.detail, at: entry.at }],
    );
  });

  it('writes each row once when the same step is recorded again, and stamps the live feed once', async () => {
    const consent = {
      tenantId: TENANT,
      dedupeKey: `${TENANT}:reply:m-2:opt_out`,
      phone: '+15550000002',
      change: 'opt_out' as const,
      source: 'keyword' as const,
      messageId: 'm-2',
      at: '2029-12-20T09:05:00.000Z',
    };
    const cmd = command('twice-1', 3, { consent: [consent] });
    // The row's updatedAt says when it was last written (a retry of the same revision writes it again).
    const settled = async () => {
      const rows = await rowsOf('twice-1');
      const { updatedAt, ...appointment } = rows.appointment!;
      assert.ok(updatedAt);
      return { ...rows, appointment };
    };
    await record(cmd);
    const first = await settled();
    assert.ok(first.appointment.activityXid !== null, 'stamped for the live feed');
    await record(cmd);
    const second = await settled();
    assert.equal(second.timeline.length, 2);
    assert.equal(second.audit.length, 1);
    assert.deepEqual(second, first, 'the retry changed nothing, the feed stamp included');
    const contact = await db.contact.findUniqueOrThrow({ where: { tenantId_phone: { tenantId: TENANT, phone: consent.phone } }, include: { consents: true } });
    assert.equal(contact.optedOut, true);
    assert.deepEqual(contact.consents.map((c) => c.id), [`cc_${consent.dedupeKey}`]);
  });

  it('never lets a late, older step overwrite a newer row, yet keeps its timeline and audit', async () => {
    await record(command('late-1', 5));
    const newer = await rowsOf('late-1');
    const older = command('late-1', 4);
    older.projection = { ...older.projection!, status: 'scheduled', needsAttention: false, attentionReasons: [] };
    await record(older);
    const after = await rowsOf('late-1');
    assert.deepEqual(after.appointment, newer.appointment);
    assert.deepEqual(after.timeline.map((t) => t.seq), [7, 8, 9, 10]);
    assert.equal(after.audit.length, 2);
  });

  it('writes nothing of a step when one of its parts is refused', async () => {
    const cmd = command('whole-1', 1);
    // A timeline entry without its position breaks the table's key: the row and the audit stay unwritten too.
    cmd.timeline = [...cmd.timeline, { at: '2029-12-20T09:06:00.000Z', kind: 'note' }];
    await assert.rejects(record(cmd), /seq/);
    assert.deepEqual(await rowsOf('whole-1'), { appointment: null, timeline: [], audit: [] });
  });
});
