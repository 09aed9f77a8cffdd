// The booking webhook, the dev reply route and the probes, against real PostgreSQL and a real Temporal
// dev server, through the HTTP contract (DESIGN §4) and what the API left in Temporal. No worker runs:
// starting and signalling workflows is all the API answers for; what a workflow then does is not.
import assert from 'node:assert/strict';
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { loadConfig } from '../src/config';
import { createPrisma, type Db } from '../src/db/prisma';
import { defaultPolicy } from '../src/domain/policy';
import { startApi, type RunningApi } from '../src/api/main';
import { findActiveAppointment } from '../src/api/replies/active-appointment';
import { createTenant } from '../src/tenants/create-tenant';
import { searchAttributes, type AppointmentStatus, type LifecycleInput } from '../src/workflows/contracts';
import { startTestDatabase, startTestTemporal, type TestDatabase, type TestTemporal } from './support/servers';
import { bookingSignature, nowInUnixSeconds } from './support/signing';

interface HttpAnswer {
  status: number;
  // The tests read whatever JSON came back and assert on its shape.
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
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
  let counter = 0;

  before(async function () {
    // The first run may build the Temporal CLI.
    this.timeout(15 * 60_000);
    [database, temporalServer] = await Promise.all([startTestDatabase(), startTestTemporal()]);
    db = createPrisma(database.databaseUrl);
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
    api = await startApi({ config, db, temporal: client, port: 0, host: '127.0.0.1' });
    ({ webhookSecret, tenant: { id: tenantId } } = await createTenant(db, {
      name: 'Harbour Dental',
      timeZone: 'America/Los_Angeles',
    }));
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

  /** Posts a booking event; signed with the tenant's secret unless `signature` says otherwise (null: no header). */
  async function deliver(
    event: unknown,
    options: { tenant?: string; signature?: string | null; apiUrl?: string } = {},
  ): Promise<HttpAnswer> {
    const rawBody = JSON.stringify(event);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    const signature = options.signature === undefined ? bookingSignature(webhookSecret, rawBody) : options.signature;
    if (signature !== null) headers['x-aro-signature'] = signature;
    const res = await fetch(`${options.apiUrl ?? api.url}/webhooks/booking/${options.tenant ?? tenantId}`, {
      method: 'POST',
      headers,
      body: rawBody,
    });
    return { status: res.status, body: await res.json() };
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

  function workflowIdOf(externalId: string): string {
    return `appt:${tenantId}:${externalId}`;
  }

  describe('POST /webhooks/booking/:tenantId', () => {
    it('starts the appointment lifecycle for a new booking, on aro-core with its search attributes', async () => {
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
      assert.deepEqual(input, {
        tenantId,
        timeZone: 'America/Los_Angeles',
        appointment,
        policy: defaultPolicy(),
        bookingEventId: event.id,
      });
      assert.deepEqual(await signalsOf(workflowIdOf(externalId)), [
        { name: 'bookingUpdated', payload: { eventId: event.id, appointment } },
      ]);
      assert.equal(await recordedEvents(event.id), 1);
    });

    it('answers 200 to a replayed event id and signals nothing a second time', async () => {
      const externalId = unique('appt');
      const event = bookingEvent('appointment.created', externalId);
      assert.equal((await deliver(event)).status, 202);

      // Re-signed, as a booking system's retry would be: the event id alone makes it a replay.
      const replay = await deliver(event);

      assert.equal(replay.status, 200);
      assert.deepEqual(replay.body, { status: 'duplicate' });
      assert.equal((await signalsOf(workflowIdOf(externalId))).length, 1);
      assert.equal(await recordedEvents(event.id), 1);
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
      assert.equal(signals.length, 2);
      assert.equal(signals[1].name, 'bookingUpdated');
      assert.equal(signals[1].payload.eventId, moved.id);
      assert.equal(signals[1].payload.appointment.startsAt, '2030-03-15T13:00:00.000Z');
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

      const signals = await signalsOf(workflowIdOf(externalId));
      assert.deepEqual(signals.slice(1), [
        { name: 'bookingCancelled', payload: { eventId: cancelled.id } },
        { name: 'attendance', payload: { eventId: checkedIn.id, outcome: 'completed' } },
        { name: 'attendance', payload: { eventId: noShow.id, outcome: 'no_show' } },
      ]);
    });

    it('records a cancellation of an appointment it never saw and says there was none', async () => {
      const externalId = unique('appt');
      const event = bookingEvent('appointment.cancelled', externalId);

      const answer = await deliver(event);

      assert.equal(answer.status, 202);
      assert.deepEqual(answer.body, { status: 'accepted', note: 'no active appointment' });
      assert.equal(await recordedEvents(event.id), 1);
      await assertNoWorkflow(workflowIdOf(externalId));
      assert.equal((await deliver(event)).status, 200);
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
      assert.equal((await deliver(created)).status, 202);
      // The worker would write this projection row; no worker runs here, so the test writes it.
      await db.appointment.create({
        data: {
          tenantId,
          externalId,
          workflowId: workflowIdOf(externalId),
          status: 'scheduled',
          startsAt: new Date('2030-03-14T16:30:00Z'),
          patientName: 'Rosa Díaz',
          patientPhone: from,
        },
      });

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
      const config = loadConfig({ ARO_LOG_LEVEL: 'error', ARO_BOOKING_HORIZON_DAYS: '3650' });
      cutOff = await startApi({
        config,
        db,
        temporal: new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) }),
        port: 0,
        host: '127.0.0.1',
      });
    });

    after(() => cutOff?.close());

    it('answers 503 without recording the event, so the retried delivery is accepted', async function () {
      this.timeout(60_000);
      const externalId = unique('appt');
      const event = bookingEvent('appointment.created', externalId);

      const refused = await deliver(event, { apiUrl: cutOff.url });

      assert.equal(refused.status, 503);
      assert.equal(refused.body.error, 'temporal_unavailable');
      assert.equal(await recordedEvents(event.id), 0);
      const retried = await deliver(event);
      assert.equal(retried.status, 202);
      assert.equal((await signalsOf(workflowIdOf(externalId))).length, 1);
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
