// The booking webhook, the dev reply route and the probes, against real PostgreSQL and a real Temporal
// dev server, through the HTTP contract (docs/contracts.md) and what the API left in Temporal. No worker runs:
// starting and signalling workflows is all the API answers for; what a workflow then does is not.
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { loadConfig } from '../src/config';
import { createPrisma, type Db } from '../src/db/prisma';
import { defaultPolicy } from '../src/domain/policy';
import { startApi, type RunningApi } from '../src/api/main';
import { findActiveAppointment } from '../src/api/replies/active-appointment';
import { DEFAULT_TENANT_POOLS, poolTaskQueue, tenantPool } from '../src/routing/tenant-task-queue';
import { createTenant } from '../src/tenants/create-tenant';
import { LIFECYCLE_VERSION, searchAttributes, type AppointmentStatus, type LifecycleInput } from '../src/workflows/contracts';
import { graphqlClient } from './support/graphql-client';
import { startTestDatabase, startTestTemporal, type TestDatabase, type TestTemporal } from './support/servers';
import { bookingSignature, nowInUnixSeconds } from './support/signing';

interface HttpAnswer {
  status: number;
  // The tests read whatever JSON came back and assert on its shape.
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

interface HttpAnswerWithHeaders extends HttpAnswer {
  retryAfter: string | null;
}

/** A TCP port that accepts connections and never says a word: a server that hangs rather than refuses. */
async function startBlackHole(): Promise<{ port: number; close(): Promise<void> }> {
  const held: Socket[] = [];
  const server: Server = createServer((socket) => void held.push(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of held) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Settings of the suite's other API instances: quiet, and taking the fixed 2030 dates the events carry. */
function otherApiSettings(settings: Record<string, string> = {}) {
  return loadConfig({ ARO_LOG_LEVEL: 'error', ARO_BOOKING_HORIZON_DAYS: '3650', ...settings });
}

/** A 503 that asks the sender to come back: the error code given and a Retry-After in whole seconds. */
function assertRetryLater(answer: HttpAnswerWithHeaders, error: string): void {
  assert.equal(answer.status, error === 'overloaded' ? 429 : 503, JSON.stringify(answer.body));
  assert.equal(answer.body.error, error);
  assert.match(answer.retryAfter ?? '', /^[1-9]\d*$/);
}

interface Signalled {
  name: string;
  payload: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

describe('API: booking webhooks, dev replies and probes', function () {
  let database: TestDatabase;
  let temporalServer: TestTemporal;
  let db: Db;
  let connection: Connection;
  let client: Client;
  let api: RunningApi;
  let tenantId: string;
  let webhookSecret: string;
  let apiKey: string;
  let graphql: ReturnType<typeof graphqlClient>;
  let counter = 0;

  before(async function () {
    // The first run may build the Temporal CLI.
    this.timeout(15 * 60_000);
    [database, temporalServer] = await Promise.all([startTestDatabase(), startTestTemporal()]);
    connection = await Connection.connect({ address: temporalServer.address });
    client = new Client({ connection, namespace: temporalServer.namespace });
    const config = loadConfig({
      DATABASE_URL: database.databaseUrl,
      TEMPORAL_ADDRESS: temporalServer.address,
      TEMPORAL_NAMESPACE: temporalServer.namespace,
      ARO_DEV_MODE: '1',
      ARO_LOG_LEVEL: 'error',
      // The fixed dates below lie in 2030, beyond the default two-year booking horizon.
      ARO_BOOKING_HORIZON_DAYS: '3650',
    });
    // The API's pool as `npm run api` sizes and bounds it.
    db = createPrisma(database.databaseUrl, config);
    api = await startApi({ config, db, temporal: client, port: 0, host: '127.0.0.1' });
    ({ webhookSecret, apiKey, tenant: { id: tenantId } } = await createTenant(db, {
      name: 'Harbour Dental',
      timeZone: 'America/Los_Angeles',
    }));
    graphql = graphqlClient(api.url);
  });

  after(async function () {
    this.timeout(60_000);
    await api?.close();
    await connection?.close();
    await db?.$disconnect();
    await temporalServer?.stop();
    await database?.stop();
  });

  function unique(prefix: string): string {
    counter += 1;
    return `${prefix}-${Date.now().toString(36)}-${counter}`;
  }

  function bookingEvent(type: string, externalId: string, overrides: Record<string, unknown> = {}) {
    return {
      id: unique('evt'),
      type,
      occurredAt: '2030-03-01T10:00:00-08:00',
      appointment: {
        externalId,
        startsAt: '2030-03-14T09:30:00-07:00',
        patient: { name: 'Rosa Díaz', phone: '+14155550123' },
        provider: 'Dr. Okafor',
        location: 'Harbour Dental, Room 2',
      },
      ...overrides,
    };
  }

  interface DeliveryOptions {
    tenant?: string;
    signature?: string | null;
    apiUrl?: string;
  }

  /** Posts a booking event; signed with the tenant's secret unless `signature` says otherwise (null: no header). */
  async function deliverWithHeaders(event: unknown, options: DeliveryOptions = {}): Promise<HttpAnswerWithHeaders> {
    const rawBody = JSON.stringify(event);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    const signature = options.signature === undefined ? bookingSignature(webhookSecret, rawBody) : options.signature;
    if (signature !== null) headers['x-aro-signature'] = signature;
    const res = await fetch(`${options.apiUrl ?? api.url}/webhooks/booking/${options.tenant ?? tenantId}`, {
      method: 'POST',
      headers,
      body: rawBody,
    });
    return { status: res.status, body: await res.json(), retryAfter: res.headers.get('retry-after') };
  }

  async function deliver(event: unknown, options: DeliveryOptions = {}): Promise<HttpAnswer> {
    const { status, body } = await deliverWithHeaders(event, options);
    return { status, body };
  }

  async function postJson(path: string, body: unknown, apiUrl = api.url): Promise<HttpAnswer> {
    const res = await fetch(`${apiUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  }

  function decode(payloads: Payload[] | null | undefined): unknown {
    assert.ok(payloads && payloads.length === 1, 'expected exactly one payload');
    return defaultPayloadConverter.fromPayload(payloads[0]);
  }

  async function signalsOf(workflowId: string): Promise<Signalled[]> {
    const history = await client.workflow.getHandle(workflowId).fetchHistory();
    return (history.events ?? []).flatMap((event) => {
      const signalled = event.workflowExecutionSignaledEventAttributes;
      return signalled ? [{ name: signalled.signalName ?? '', payload: decode(signalled.input?.payloads as Payload[]) }] : [];
    });
  }

  async function startInputOf(workflowId: string): Promise<LifecycleInput> {
    const history = await client.workflow.getHandle(workflowId).fetchHistory();
    const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
    assert.ok(started, 'the first history event starts the workflow');
    return decode(started.input?.payloads as Payload[]) as LifecycleInput;
  }

  async function assertNoWorkflow(workflowId: string): Promise<void> {
    await assert.rejects(client.workflow.getHandle(workflowId).describe(), WorkflowNotFoundError);
  }

  function recordedEvents(eventId: string): Promise<number> {
    return db.webhookEvent.count({ where: { tenantId, source: 'booking', eventId } });
  }

  /** The delivery ledger's row of a booking event: how it ended, and whether a delivery is applying it. */
  function ledgerOf(eventId: string): Promise<{ state: string; claimedAt: Date | null } | null> {
    return db.webhookEvent.findUnique({
      where: { tenantId_source_eventId: { tenantId, source: 'booking', eventId } },
      select: { state: true, claimedAt: true },
    });
  }

  function workflowIdOf(externalId: string): string {
    return `appt:${tenantId}:${externalId}`;
  }

  describe('POST /webhooks/booking/:tenantId', () => {
    it('starts the appointment lifecycle for a new booking in one call, on aro-core with its search attributes', async () => {
      const externalId = unique('appt');
      const event = bookingEvent('appointment.created', externalId);

      const answer = await deliver(event);

      assert.equal(answer.status, 202);
      assert.deepEqual(answer.body, { status: 'accepted', workflowId: workflowIdOf(externalId) });
      const description = await client.workflow.getHandle(workflowIdOf(externalId)).describe();
      assert.equal(description.type, 'appointmentLifecycle');
      assert.equal(description.taskQueue, 'aro-core');
      assert.equal(description.status.name, 'RUNNING');
      const attributes = description.typedSearchAttributes;
      assert.equal(attributes.get(searchAttributes.tenantId), tenantId);
      assert.equal(attributes.get(searchAttributes.status), 'scheduled' satisfies AppointmentStatus);
      assert.equal(attributes.get(searchAttributes.startsAt)?.toISOString(), '2030-03-14T16:30:00.000Z');
      assert.equal(attributes.get(searchAttributes.needsAttention), false);

      const input = await startInputOf(workflowIdOf(externalId));
      const appointment = {
        externalId,
        startsAt: '2030-03-14T16:30:00.000Z',
        durationMinutes: 30,
        patient: { name: 'Rosa Díaz', phone: '+14155550123', locale: 'en' },
        provider: 'Dr. Okafor',
        location: 'Harbour Dental, Room 2',
      };
      // The touches are planned by the API as of now (see lifecycle-input.ts); the rest is the booking.
      const { plan, cancelQuestionTtlMs, projected, ...booked } = input;
      assert.deepEqual(booked, {
        version: LIFECYCLE_VERSION,
        tenantId,
        timeZone: 'America/Los_Angeles',
        appointment,
        policy: defaultPolicy(),
        bookingEventId: event.id,
        bookingOccurredAt: '2030-03-01T18:00:00.000Z',
        // A pooled clinic (the default): its skills run on its pool, with the clinic as fairness key.
        skillRoute: { taskQueue: poolTaskQueue(tenantPool(tenantId, DEFAULT_TENANT_POOLS)), fairnessKey: tenantId },
      });
      assert.ok(plan && plan.touches.length > 0, 'the API plans the touches');
      assert.equal(typeof cancelQuestionTtlMs, 'number');
      assert.ok(projected, 'and the first projection row');
      const row = await db.appointment.findUniqueOrThrow({ where: { tenantId_externalId: { tenantId, externalId } } });
      assert.deepEqual([row.workflowId, row.status, row.revision], [workflowIdOf(externalId), 'scheduled', 0]);
      // Started, not signal-with-started: the booking is the start input, and no signal repeats it.
      assert.deepEqual(await signalsOf(workflowIdOf(externalId)), []);
      assert.deepEqual(await ledgerOf(event.id), { state: 'applied', claimedAt: null });
    });

    it('answers 200 to a replayed event id and signals nothing a second time', async () => {
      const externalId = unique('appt');
      const event = bookingEvent('appointment.created', externalId);
      assert.equal((await deliver(event)).status, 202);

      // Re-signed, as a booking system's retry would be: the event id alone makes it a replay.
      const replay = await deliver(event);

      assert.equal(replay.status, 200);
      assert.deepEqual(replay.body, { status: 'duplicate' });
      assert.deepEqual(await signalsOf(workflowIdOf(externalId)), []);
      assert.equal(await recordedEvents(event.id), 1);
    });

    it('applies one of many concurrent deliveries of an event; the others are told duplicate or to come back', async () => {
      const externalId = unique('appt');
      const event = bookingEvent('appointment.created', externalId);

      const answers = await Promise.all(Array.from({ length: 20 }, () => deliverWithHeaders(event)));

      assert.equal(answers.filter((a) => a.status === 202).length, 1, JSON.stringify(answers.map((a) => a.status)));
      for (const answer of answers.filter((a) => a.status !== 202)) {
        if (answer.status === 200) assert.deepEqual(answer.body, { status: 'duplicate' });
        else assertRetryLater(answer, 'delivery_in_progress');
      }
      assert.equal((await startInputOf(workflowIdOf(externalId))).bookingEventId, event.id);
      assert.deepEqual(await signalsOf(workflowIdOf(externalId)), []);
      assert.deepEqual(await ledgerOf(event.id), { state: 'applied', claimedAt: null });
      assert.deepEqual(await deliver(event), { status: 200, body: { status: 'duplicate' } });
    });

    it('starts one lifecycle when a created and an updated event of a new appointment race', async () => {
      const externalId = unique('appt');
      const created = bookingEvent('appointment.created', externalId);
      const updated = bookingEvent('appointment.updated', externalId);

      const answers = await Promise.all([deliver(created), deliver(updated)]);

      assert.deepEqual(answers.map((a) => a.status), [202, 202]);
      // One run: whichever event started it is its input (an update starts it by signal-with-start,
      // so it is also signalled), and the other reached that same run as a bookingUpdated signal.
      const starter = (await startInputOf(workflowIdOf(externalId))).bookingEventId;
      const other = starter === created.id ? updated.id : created.id;
      assert.ok(starter === created.id || starter === updated.id, `started by ${starter}`);
      const signalled = await signalsOf(workflowIdOf(externalId));
      assert.ok(signalled.every((s) => s.name === 'bookingUpdated'));
      assert.ok(signalled.some((s) => s.payload.eventId === other), JSON.stringify(signalled));
    });

    it('hands a later change of the same appointment to its running lifecycle', async () => {
      const externalId = unique('appt');
      assert.equal((await deliver(bookingEvent('appointment.created', externalId))).status, 202);
      const moved = bookingEvent('appointment.updated', externalId, {});
      moved.appointment.startsAt = '2030-03-15T14:00:00+01:00';

      const answer = await deliver(moved);

      assert.equal(answer.status, 202);
      assert.deepEqual(answer.body, { status: 'accepted', workflowId: workflowIdOf(externalId) });
      const signals = await signalsOf(workflowIdOf(externalId));
      assert.equal(signals.length, 1);
      assert.equal(signals[0].name, 'bookingUpdated');
      assert.equal(signals[0].payload.eventId, moved.id);
      assert.equal(signals[0].payload.appointment.startsAt, '2030-03-15T13:00:00.000Z');
      assert.equal(signals[0].payload.occurredAt, '2030-03-01T18:00:00.000Z');
    });

    it('signals a cancellation, a check-in and a no-show to the running lifecycle', async () => {
      const externalId = unique('appt');
      assert.equal((await deliver(bookingEvent('appointment.created', externalId))).status, 202);
      const cancelled = bookingEvent('appointment.cancelled', externalId);
      const checkedIn = bookingEvent('appointment.checked_in', externalId);
      const noShow = bookingEvent('appointment.no_show', externalId);

      for (const event of [cancelled, checkedIn, noShow]) {
        const answer = await deliver(event);
        assert.equal(answer.status, 202, `${event.type} answered ${JSON.stringify(answer.body)}`);
        assert.deepEqual(answer.body, { status: 'accepted', workflowId: workflowIdOf(externalId) });
      }

      // occurredAt as the booking system sent it (-08:00), in UTC like every instant the workflow holds.
      const occurredAt = '2030-03-01T18:00:00.000Z';
      assert.deepEqual(await signalsOf(workflowIdOf(externalId)), [
        { name: 'bookingCancelled', payload: { eventId: cancelled.id, occurredAt } },
        { name: 'attendance', payload: { eventId: checkedIn.id, outcome: 'completed', occurredAt } },
        { name: 'attendance', payload: { eventId: noShow.id, outcome: 'no_show', occurredAt } },
      ]);
    });

    it('records a cancellation of an appointment it never saw and says there was none', async () => {
      const externalId = unique('appt');
      const event = bookingEvent('appointment.cancelled', externalId);

      const answer = await deliver(event);

      assert.equal(answer.status, 202);
      assert.deepEqual(answer.body, { status: 'accepted', note: 'no active appointment' });
      assert.deepEqual(await ledgerOf(event.id), { state: 'no_appointment', claimedAt: null });
      await assertNoWorkflow(workflowIdOf(externalId));
      assert.equal((await deliver(event)).status, 200);
    });

    describe('an event for an appointment whose lifecycle has ended', () => {
      it('is recorded in its audit trail, visible to the clinic, and starts no new run', async () => {
        const externalId = unique('appt');
        const workflowId = workflowIdOf(externalId);
        assert.equal((await deliver(bookingEvent('appointment.created', externalId))).status, 202);
        const { runId } = await client.workflow.getHandle(workflowId).describe();
        // No worker runs here: ending the run by hand stands in for a lifecycle that completed.
        await client.workflow.getHandle(workflowId).terminate('the visit is over');
        // ...and the projection and timeline its worker would have written.
        await db.appointment.update({
          where: { tenantId_externalId: { tenantId, externalId } },
          data: { status: 'completed', revision: 7 },
        });
        await db.timelineEntry.create({
          data: { tenantId, workflowId, lifecycleId: runId, seq: 1, at: new Date('2030-03-14T17:05:00Z'), kind: 'appointment.completed' },
        });
        const late = [
          bookingEvent('appointment.updated', externalId),
          bookingEvent('appointment.created', externalId),
          bookingEvent('appointment.cancelled', externalId),
          bookingEvent('appointment.no_show', externalId),
        ];

        for (const event of late) {
          const answer = await deliver(event);
          assert.equal(answer.status, 202, `${event.type} answered ${JSON.stringify(answer.body)}`);
          assert.deepEqual(answer.body, {
            status: 'ignored',
            workflowId,
            note: "the appointment's lifecycle has ended; book a new visit under a new externalId",
          });
          assert.deepEqual(await ledgerOf(event.id), { state: 'ignored_closed', claimedAt: null });
        }

        // The latest run is still the one that ended: nothing started another.
        const described = await client.workflow.getHandle(workflowId).describe();
        assert.equal(described.runId, runId);
        assert.equal(described.status.name, 'TERMINATED');
        const audit = await db.auditEvent.findMany({ where: { tenantId, subject: workflowId, action: 'booking.ignored' }, orderBy: { at: 'asc' } });
        assert.deepEqual(
          audit.map((a) => [(a.detail as { eventType: string }).eventType, (a.detail as { eventId: string }).eventId]),
          late.map((e) => [e.type, e.id]),
        );
        // A redelivery is a duplicate like any other, and records nothing more.
        assert.deepEqual(await deliver(late[0]), { status: 200, body: { status: 'duplicate' } });
        assert.equal(await db.auditEvent.count({ where: { tenantId, subject: workflowId, action: 'booking.ignored' } }), late.length);

        const seen = await graphql(apiKey, 'query($id: ID!) { appointment(externalId: $id) { source timeline { kind detail } } }', { id: externalId });
        assert.equal(seen.errors, undefined, JSON.stringify(seen.errors));
        assert.equal(seen.data.appointment.source, 'PROJECTION');
        assert.deepEqual(seen.data.appointment.timeline, [
          { kind: 'appointment.completed', detail: null },
          ...late.map((e) => ({ kind: 'booking.ignored', detail: `${e.type} ${e.id}` })),
        ]);
      });
    });

    describe('refuses a delivery it cannot trust, recording nothing', () => {
      const refusals: { name: string; signature: (rawBody: string) => string | null }[] = [
        {
          name: 'a signature ten minutes old',
          signature: (rawBody) => bookingSignature(webhookSecret, rawBody, nowInUnixSeconds() - 600),
        },
        { name: 'a signature made with another secret', signature: (rawBody) => bookingSignature('whsec_forged', rawBody) },
        {
          name: 'a signature over a different body',
          signature: (rawBody) => bookingSignature(webhookSecret, rawBody.replace('+14155550123', '+14155550199')),
        },
        { name: 'a malformed signature header', signature: () => 'sha256=deadbeef' },
        { name: 'no signature header', signature: () => null },
      ];
      for (const refusal of refusals) {
        it(`401 for ${refusal.name}`, async () => {
          const externalId = unique('appt');
          const event = bookingEvent('appointment.created', externalId);

          const answer = await deliver(event, { signature: refusal.signature(JSON.stringify(event)) });

          assert.equal(answer.status, 401);
          assert.equal(answer.body.error, 'invalid_signature');
          assert.equal(await recordedEvents(event.id), 0);
          await assertNoWorkflow(workflowIdOf(externalId));
        });
      }
    });

    it('404 for a tenant that does not exist, before looking at the signature', async () => {
      const answer = await deliver(bookingEvent('appointment.created', unique('appt')), {
        tenant: 't_nosuchclinic',
        signature: null,
      });

      assert.equal(answer.status, 404);
      assert.equal(answer.body.error, 'unknown_tenant');
    });

    describe('400 naming the field of a malformed event, recording nothing', () => {
      const malformed: { field: string; message: RegExp; change: (event: ReturnType<typeof bookingEvent>) => unknown }[] = [
        {
          field: 'appointment.patient.phone',
          message: /E\.164/,
          change: (event) => ({ ...event, appointment: { ...event.appointment, patient: { name: 'Rosa', phone: '415-555-0123' } } }),
        },
        {
          field: 'appointment.startsAt',
          message: /offset/,
          change: (event) => ({ ...event, appointment: { ...event.appointment, startsAt: '2030-03-14T09:30:00' } }),
        },
        {
          field: 'appointment.externalId',
          message: /required/,
          change: (event) => ({ ...event, appointment: { ...event.appointment, externalId: undefined } }),
        },
        {
          field: 'type',
          message: /appointment\.created/,
          change: (event) => ({ ...event, type: 'appointment.rescheduled' }),
        },
      ];
      for (const { field, message, change } of malformed) {
        it(field, async () => {
          const externalId = unique('appt');
          const event = bookingEvent('appointment.created', externalId);

          const answer = await deliver(change(event));

          assert.equal(answer.status, 400);
          assert.equal(answer.body.error, 'invalid_payload');
          const named = answer.body.fields.find((f: { field: string }) => f.field === field);
          assert.ok(named, `expected ${field} among ${JSON.stringify(answer.body.fields)}`);
          assert.match(named.message, message);
          assert.equal(await recordedEvents(event.id), 0);
          await assertNoWorkflow(workflowIdOf(externalId));
        });
      }

      it('(body) when the signed body is not JSON', async () => {
        const rawBody = 'appointment created';
        const res = await fetch(`${api.url}/webhooks/booking/${tenantId}`, {
          method: 'POST',
          headers: { 'content-type': 'text/plain', 'x-aro-signature': bookingSignature(webhookSecret, rawBody) },
          body: rawBody,
        });

        assert.equal(res.status, 400);
        assert.deepEqual(await res.json(), {
          error: 'invalid_payload',
          fields: [{ field: '(body)', message: 'must be a JSON document' }],
        });
      });
    });
  });

  describe('POST /dev/inbound/:tenantId', () => {
    it('records a reply from a phone with no active appointment as unrouted', async () => {
      const from = '+14155550188';

      const answer = await postJson(`/dev/inbound/${tenantId}`, { from, body: 'Is parking free?' });

      assert.equal(answer.status, 202);
      assert.deepEqual(answer.body, { status: 'unrouted' });
      const messages = await db.message.findMany({ where: { tenantId, fromPhone: from } });
      assert.equal(messages.length, 1);
      const [message] = messages;
      assert.equal(message.direction, 'inbound');
      assert.equal(message.channel, 'sms');
      assert.equal(message.provider, 'dev');
      assert.match(message.providerMessageId ?? '', /^dev-in-[0-9a-f-]{36}$/);
      assert.equal(message.status, 'received');
      assert.equal(message.body, 'Is parking free?');
      assert.equal(message.appointmentId, null);
      const audit = await db.auditEvent.findMany({ where: { tenantId, action: 'reply.unrouted', subject: message.id } });
      assert.equal(audit.length, 1);
    });

    it("routes a reply to the lifecycle of the phone's active appointment", async () => {
      const externalId = unique('appt');
      const from = '+14155550177';
      const created = bookingEvent('appointment.created', externalId);
      created.appointment.patient.phone = from;
      // The API writes the appointment's first projection row when it starts the lifecycle.
      assert.equal((await deliver(created)).status, 202);

      const answer = await postJson(`/dev/inbound/${tenantId}`, { from, body: 'YES' });

      assert.equal(answer.status, 202);
      assert.deepEqual(answer.body, {
        status: 'routed',
        workflowId: workflowIdOf(externalId),
        appointmentExternalId: externalId,
      });
      const [message] = await db.message.findMany({ where: { tenantId, fromPhone: from } });
      assert.equal(message.appointmentId, workflowIdOf(externalId));
      const reply = (await signalsOf(workflowIdOf(externalId))).find((s) => s.name === 'inboundMessage');
      assert.ok(reply, 'the lifecycle received the reply');
      assert.equal(reply.payload.messageId, message.providerMessageId);
      assert.equal(reply.payload.from, from);
      assert.equal(reply.payload.body, 'YES');
      assert.equal(reply.payload.channel, 'sms');
      assert.equal(reply.payload.receivedAt, message.createdAt.toISOString());
    });

    it('400 naming the field of a bad reply, 404 for an unknown tenant', async () => {
      const bad = await postJson(`/dev/inbound/${tenantId}`, { from: '4155550123', body: '' });
      assert.equal(bad.status, 400);
      assert.deepEqual(bad.body.fields.map((f: { field: string }) => f.field).sort(), ['body', 'from']);

      const unknown = await postJson('/dev/inbound/t_nosuchclinic', { from: '+14155550123', body: 'hi' });
      assert.equal(unknown.status, 404);
    });
  });

  describe('findActiveAppointment', () => {
    const phone = '+14155550166';
    const now = new Date('2030-06-01T12:00:00Z');

    async function project(externalId: string, status: AppointmentStatus, startsAt: string): Promise<void> {
      await db.appointment.create({
        data: {
          tenantId,
          externalId,
          workflowId: workflowIdOf(externalId),
          status,
          startsAt: new Date(startsAt),
          patientName: 'Ama Mensah',
          patientPhone: phone,
        },
      });
    }

    it('prefers the nearest open appointment ahead, else the latest one past, never a closed one', async () => {
      await project('past-open', 'confirmed', '2030-05-20T09:00:00Z');
      await project('past-open-older', 'scheduled', '2030-05-01T09:00:00Z');
      assert.equal((await findActiveAppointment(db, tenantId, phone, now))?.externalId, 'past-open');

      await project('ahead-cancelled', 'cancelled', '2030-06-02T09:00:00Z');
      await project('ahead-later', 'awaiting_confirmation', '2030-07-01T09:00:00Z');
      await project('ahead-next', 'scheduled', '2030-06-10T09:00:00Z');
      // The others are passed over, nearest first, so the choice can be recorded.
      assert.deepEqual(await findActiveAppointment(db, tenantId, phone, now), {
        externalId: 'ahead-next',
        workflowId: workflowIdOf('ahead-next'),
        startsAt: new Date('2030-06-10T09:00:00Z'),
        passedOver: [
          { workflowId: workflowIdOf('ahead-later'), startsAt: new Date('2030-07-01T09:00:00Z') },
          { workflowId: workflowIdOf('past-open'), startsAt: new Date('2030-05-20T09:00:00Z') },
          { workflowId: workflowIdOf('past-open-older'), startsAt: new Date('2030-05-01T09:00:00Z') },
        ],
      });

      assert.equal(await findActiveAppointment(db, tenantId, '+14155550100', now), null);
    });
  });

  describe('when Temporal cannot be reached', () => {
    let cutOff: RunningApi;

    before(async () => {
      // Nothing listens on port 1: every Temporal call fails as in an outage.
      const config = otherApiSettings();
      cutOff = await startApi({
        config,
        db,
        temporal: new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) }),
        port: 0,
        host: '127.0.0.1',
      });
    });

    after(() => cutOff?.close());

    it('answers 503 with Retry-After and leaves the event to the retry, which applies it once', async function () {
      this.timeout(60_000);
      const externalId = unique('appt');
      const event = bookingEvent('appointment.created', externalId);

      assertRetryLater(await deliverWithHeaders(event, { apiUrl: cutOff.url }), 'temporal_unavailable');

      // Received, not applied, and not held: the booking system's retry may apply it at once.
      assert.deepEqual(await ledgerOf(event.id), { state: 'received', claimedAt: null });
      await assertNoWorkflow(workflowIdOf(externalId));
      // Temporal is back (the suite's own API reaches it).
      assert.equal((await deliver(event)).status, 202);
      assert.equal((await startInputOf(workflowIdOf(externalId))).bookingEventId, event.id);
      assert.deepEqual(await signalsOf(workflowIdOf(externalId)), []);
      assert.deepEqual(await ledgerOf(event.id), { state: 'applied', claimedAt: null });
      assert.deepEqual(await deliver(event), { status: 200, body: { status: 'duplicate' } });
    });

    it('a signal refused during the outage reaches the lifecycle once after it', async function () {
      this.timeout(60_000);
      const externalId = unique('appt');
      assert.equal((await deliver(bookingEvent('appointment.created', externalId))).status, 202);
      const cancelled = bookingEvent('appointment.cancelled', externalId);

      assertRetryLater(await deliverWithHeaders(cancelled, { apiUrl: cutOff.url }), 'temporal_unavailable');
      assert.equal((await deliver(cancelled)).status, 202);
      assert.equal((await deliver(cancelled)).status, 200);

      assert.deepEqual((await signalsOf(workflowIdOf(externalId))).map((s) => [s.name, s.payload.eventId]), [['bookingCancelled', cancelled.id]]);
    });

    it('is not ready, and says Temporal is what failed', async () => {
      const res = await fetch(`${cutOff.url}/readyz`);

      assert.equal(res.status, 503);
      assert.deepEqual(await res.json(), { status: 'unavailable', checks: { database: 'ok', temporal: 'failed' } });
    });

    it('has no dev reply route outside dev mode', async () => {
      const answer = await postJson(`/dev/inbound/${tenantId}`, { from: '+14155550123', body: 'hi' }, cutOff.url);

      assert.equal(answer.status, 404);
      assert.equal(answer.body.error, 'not_found');
    });
  });

  describe('the tenant cache', () => {
    let quick: RunningApi;

    before(async () => {
      const config = otherApiSettings({ ARO_TENANT_CACHE_TTL_MS: '300' });
      quick = await startApi({ config, db, temporal: client, port: 0, host: '127.0.0.1' });
    });

    after(() => quick?.close());

    it('lets a changed webhook secret take effect once the tenant row it kept has expired', async function () {
      this.timeout(60_000);
      const { tenant, webhookSecret: oldSecret } = await createTenant(db, { name: 'Bayview Clinic', timeZone: 'Europe/Lisbon' });
      const signedWith = (secret: string) => {
        const event = bookingEvent('appointment.created', unique('appt'));
        return deliver(event, { tenant: tenant.id, apiUrl: quick.url, signature: bookingSignature(secret, JSON.stringify(event)) });
      };
      assert.equal((await signedWith(oldSecret)).status, 202);

      const newSecret = 'whsec_rotated_by_the_clinic';
      await db.tenant.update({ where: { id: tenant.id }, data: { webhookSecret: newSecret } });

      // However long the kept row still admits the old secret, it stops doing so by itself.
      while ((await signedWith(oldSecret)).status === 202) await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal((await signedWith(oldSecret)).status, 401);
      assert.equal((await signedWith(newSecret)).status, 202);
    });
  });

  describe('past the admission limit', () => {
    let hole: Awaited<ReturnType<typeof startBlackHole>>;
    let narrow: RunningApi;

    before(async () => {
      // A Temporal that accepts the connection and never answers holds a delivery in flight until
      // the call's timeout, which lets the test fill a limit of one.
      hole = await startBlackHole();
      const config = otherApiSettings({ ARO_WEBHOOK_MAX_IN_FLIGHT: '1', ARO_TEMPORAL_CALL_TIMEOUT_MS: '1500' });
      const temporal = new Client({ connection: Connection.lazy({ address: `127.0.0.1:${hole.port}`, connectTimeout: '1500ms' }) });
      narrow = await startApi({ config, db, temporal, port: 0, host: '127.0.0.1' });
    });

    after(async () => {
      await narrow?.close();
      await hole?.close();
    });

    async function inFlight(): Promise<number> {
      const text = await (await fetch(`${narrow.url}/metrics`)).text();
      return Number(/^aro_webhook_deliveries_in_flight (\d+)$/m.exec(text)?.[1]);
    }

    it('answers 429 overloaded with Retry-After and records nothing; the held delivery ends in 503 when Temporal does not answer', async function () {
      this.timeout(60_000);
      const held = bookingEvent('appointment.created', unique('appt'));
      const turnedAway = bookingEvent('appointment.created', unique('appt'));

      const heldAnswer = deliverWithHeaders(held, { apiUrl: narrow.url });
      while ((await inFlight()) < 1) await new Promise((resolve) => setTimeout(resolve, 20));
      const refused = await deliverWithHeaders(turnedAway, { apiUrl: narrow.url });

      assertRetryLater(refused, 'overloaded');
      assert.equal(await ledgerOf(turnedAway.id), null);
      assertRetryLater(await heldAnswer, 'temporal_unavailable');
      assert.deepEqual(await ledgerOf(held.id), { state: 'received', claimedAt: null });
      const metrics = await (await fetch(`${narrow.url}/metrics`)).text();
      assert.match(metrics, /^aro_webhook_deliveries_total\{source="booking",outcome="overloaded"\} 1$/m);
      assert.match(metrics, /^aro_webhook_deliveries_total\{source="booking",outcome="temporal_unavailable"\} 1$/m);
    });
  });

  describe('when PostgreSQL cannot be reached or gives no connection', () => {
    async function apiOver(databaseUrl: string, poolSize = 2): Promise<{ api: RunningApi; db: Db }> {
      const config = otherApiSettings({ ARO_DB_POOL_SIZE: String(poolSize), ARO_DB_ACQUIRE_TIMEOUT_MS: '500' });
      const isolated = createPrisma(databaseUrl, config);
      return { api: await startApi({ config, db: isolated, temporal: client, port: 0, host: '127.0.0.1' }), db: isolated };
    }

    it('503 database_unavailable with Retry-After when nothing listens', async () => {
      const down = await apiOver('postgresql://aro:aro@127.0.0.1:1/aro');
      try {
        assertRetryLater(await deliverWithHeaders(bookingEvent('appointment.created', unique('appt')), { apiUrl: down.api.url }), 'database_unavailable');
      } finally {
        await down.api.close();
        await down.db.$disconnect();
      }
    });

    it('503 database_unavailable with Retry-After when the server accepts but never answers', async () => {
      const hole = await startBlackHole();
      const hung = await apiOver(`postgresql://aro:aro@127.0.0.1:${hole.port}/aro`);
      try {
        assertRetryLater(await deliverWithHeaders(bookingEvent('appointment.created', unique('appt')), { apiUrl: hung.api.url }), 'database_unavailable');
      } finally {
        await hung.api.close();
        await hung.db.$disconnect();
        await hole.close();
      }
    });

    it('503 database_unavailable with Retry-After when every pooled connection is taken, and nothing is recorded', async () => {
      const saturated = await apiOver(database.databaseUrl, 1);
      const event = bookingEvent('appointment.created', unique('appt'));
      let letGo: () => void = () => undefined;
      const holding = new Promise<void>((resolve) => (letGo = resolve));
      let taken: () => void = () => undefined;
      const connectionTaken = new Promise<void>((resolve) => (taken = resolve));
      try {
        // The pool's one connection, held by a transaction until the delivery has been answered.
        const transaction = saturated.db.$transaction(async (tx) => {
          await tx.$queryRaw`select 1`;
          taken();
          await holding;
        });
        await connectionTaken;
        const answer = await deliverWithHeaders(event, { apiUrl: saturated.api.url });
        letGo();
        await transaction;

        assertRetryLater(answer, 'database_unavailable');
        assert.equal(await ledgerOf(event.id), null);
      } finally {
        letGo();
        await saturated.api.close();
        await saturated.db.$disconnect();
      }
    });
  });

  describe('a burst of deliveries at once', () => {
    let small: RunningApi;
    let smallDb: Db;

    before(async () => {
      // A small API, so that 300 deliveries at once overrun its admission limit and its pool.
      const config = otherApiSettings({ ARO_WEBHOOK_MAX_IN_FLIGHT: '16', ARO_DB_POOL_SIZE: '4', ARO_DB_ACQUIRE_TIMEOUT_MS: '1000' });
      smallDb = createPrisma(database.databaseUrl, config);
      small = await startApi({ config, db: smallDb, temporal: client, port: 0, host: '127.0.0.1' });
    });

    after(async () => {
      await small?.close();
      await smallDb?.$disconnect();
    });

    it('answers every one 202 or 503 with Retry-After; every 202 reached its workflow and every 503 is applied by its retry', async function () {
      this.timeout(10 * 60_000);
      const events = Array.from({ length: 300 }, () => bookingEvent('appointment.created', unique('burst')));
      const accepted = new Set<string>();

      let pending = events;
      // Each round delivers again what the last one turned away, as the booking system's retries would.
      while (pending.length > 0) {
        const answers = await Promise.all(pending.map((event) => deliverWithHeaders(event, { apiUrl: small.url })));
        const turnedAway: typeof events = [];
        answers.forEach((answer, i) => {
          const event = pending[i];
          if (answer.status === 202) {
            assert.deepEqual(answer.body, { status: 'accepted', workflowId: workflowIdOf(event.appointment.externalId) });
            accepted.add(event.id);
          } else {
            assertRetryLater(answer, answer.body.error);
            assert.ok(['overloaded', 'database_unavailable', 'temporal_unavailable'].includes(answer.body.error), answer.body.error);
            turnedAway.push(event);
          }
        });
        pending = turnedAway;
      }

      assert.equal(accepted.size, events.length);
      for (const event of events) {
        const workflowId = workflowIdOf(event.appointment.externalId);
        assert.equal((await startInputOf(workflowId)).bookingEventId, event.id);
        assert.deepEqual(await ledgerOf(event.id), { state: 'applied', claimedAt: null });
      }
    });
  });

  describe('probes and metrics', () => {
    it('GET /healthz answers while the process runs', async () => {
      const res = await fetch(`${api.url}/healthz`);
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), { status: 'ok' });
    });

    it('GET /readyz answers 200 when PostgreSQL and Temporal both answer', async () => {
      const res = await fetch(`${api.url}/readyz`);
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), { status: 'ok', checks: { database: 'ok', temporal: 'ok' } });
    });

    it('GET /metrics counts webhook deliveries by outcome, beside the process metrics', async () => {
      const res = await fetch(`${api.url}/metrics`);
      const text = await res.text();
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
      assert.match(text, /^aro_webhook_deliveries_total\{source="booking",outcome="accepted"\} \d+$/m);
      assert.match(text, /^aro_webhook_deliveries_total\{source="booking",outcome="bad_signature"\} \d+$/m);
      assert.match(text, /^process_cpu_user_seconds_total /m);
    });

    it('answers an unknown route with a JSON 404', async () => {
      const res = await fetch(`${api.url}/appointments`);
      assert.equal(res.status, 404);
      assert.equal(((await res.json()) as { error: string }).error, 'not_found');
    });
  });
});
