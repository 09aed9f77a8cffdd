// End to end through the clinic's GraphQL API: the real app, the Temporal dev server, PostgreSQL and
// the workers. A clinic is created by the operator, sets its policy and templates, books appointments
// through GraphQL and through the booking webhook, lists, reads, confirms and cancels them, and reads
// stats that match what happened.
import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import { generateOperatorKey } from '../src/tenants/operator-key';
import { startAroStack, type AroStack } from './support/aro-stack';
import { errorCode, graphqlClient, type GraphqlAnswer } from './support/graphql-client';
import { eventually, uniquePhone } from './support/lifecycle-harness';
import { bookingSignature } from './support/signing';
import { subscribeOverSse } from './support/sse-subscription';

const ZONE = 'Europe/Madrid';
const OPERATOR_KEY = generateOperatorKey();

const APPOINTMENT_FIELDS = `
  externalId status needsAttention attentionReasons startsAt durationMinutes source revision provider location
  patient { name phone locale }
  nextTouch { at kind template }
  timeline { at kind detail }
  messages { at direction channel body status kind errorCode providerMessageId }`;

describe('clinic GraphQL API end to end', function () {
  this.timeout(120_000);
  let stack: AroStack;
  let graphql: ReturnType<typeof graphqlClient>;
  let clinic: { id: string; apiKey: string; webhookSecret: string };
  const firstDay = DateTime.now().setZone(ZONE).plus({ days: 5 }).startOf('day');

  before(async function () {
    this.timeout(15 * 60_000);
    stack = await startAroStack({ ARO_OPERATOR_KEY: OPERATOR_KEY, ARO_DEV_MODE: '1' });
    graphql = graphqlClient(stack.url);
  });

  after(async function () {
    this.timeout(60_000);
    await stack?.stop();
  });

  /** Fails the test with the answer's errors when there are any. */
  function ok(answer: GraphqlAnswer) {
    assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
    return answer.data;
  }

  const clinicGql = (query: string, variables?: Record<string, unknown>) => graphql(clinic.apiKey, query, variables);

  function deliverBooking(event: unknown) {
    const raw = JSON.stringify(event);
    return fetch(`${stack.url}/webhooks/booking/${clinic.id}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-aro-signature': bookingSignature(clinic.webhookSecret, raw) },
      body: raw,
    });
  }

  function bookingEvent(type: string, externalId: string, startsAt: DateTime, phone: string) {
    return {
      id: `evt-${externalId}-${type}-${startsAt.toMillis()}`,
      type,
      occurredAt: DateTime.now().toISO(),
      appointment: { externalId, startsAt: startsAt.toISO(), patient: { name: 'Marta Webhook', phone } },
    };
  }

  function createAppointment(externalId: string, startsAt: DateTime, name: string, phone = uniquePhone()) {
    return clinicGql(
      `mutation($input: AppointmentInput!) { createAppointment(input: $input) { ${APPOINTMENT_FIELDS} } }`,
      { input: { externalId, startsAt: startsAt.toISO(), durationMinutes: 45, patient: { name, phone }, provider: 'Dra. Pérez' } },
    );
  }

  /** The projection trails the workflow by one activity. */
  const projected = (externalId: string, status?: string) =>
    eventually(
      () => stack.db.appointment.findUnique({ where: { tenantId_externalId: { tenantId: clinic.id, externalId } } }),
      (row) => row !== null && (!status || row.status === status),
      `${externalId} projected${status ? ` as ${status}` : ''}`,
    );

  it('the operator creates a clinic; its key reads it back with the default policy', async () => {
    const created = ok(
      await graphql(
        OPERATOR_KEY,
        `mutation { createTenant(input: { name: "Clínica Norte", timeZone: "europe/madrid", defaultLocale: "es" }) {
          apiKey webhookSecret tenant { id name timeZone defaultLocale templates { kind locale } }
        } }`,
      ),
    ).createTenant;
    assert.equal(created.tenant.timeZone, 'Europe/Madrid', 'the zone is stored in its canonical spelling');
    assert.ok(created.tenant.templates.some((t: { kind: string; locale: string }) => t.kind === 'reminder_confirm' && t.locale === 'es'));
    clinic = { id: created.tenant.id, apiKey: created.apiKey, webhookSecret: created.webhookSecret };

    const me = ok(await clinicGql(`{ me { id name policyVersion policy { version quietHours { start end } reminders { before template } } apiKeys { name revokedAt } } }`)).me;
    assert.equal(me.id, clinic.id);
    assert.deepEqual(me.policy.quietHours, { start: '21:00', end: '08:00' });
    assert.deepEqual(me.policy.reminders.map((r: { before: string }) => r.before), ['P2D', 'PT2H']);
    assert.deepEqual(me.apiKeys, [{ name: 'default', revokedAt: null }]);

    const badZone = await graphql(OPERATOR_KEY, `mutation { createTenant(input: { name: "X", timeZone: "Mars/Base" }) { apiKey } }`);
    assert.equal(errorCode(badZone), 'BAD_USER_INPUT');
    assert.equal(badZone.errors![0].extensions.fields[0].field, 'input.timeZone');
  });

  it('settings, policy and templates are validated field by field; a valid policy becomes the next version', async () => {
    const badSettings = await clinicGql(`mutation { updateTenant(input: { timeZone: "Nowhere/City", defaultLocale: "spanish" }) { id } }`);
    assert.equal(errorCode(badSettings), 'BAD_USER_INPUT');
    assert.equal(badSettings.errors![0].extensions.fields[0].field, 'input.timeZone');
    const renamed = ok(await clinicGql(`mutation { updateTenant(input: { name: "Clínica Norte Centro" }) { name timeZone } }`)).updateTenant;
    assert.deepEqual(renamed, { name: 'Clínica Norte Centro', timeZone: 'Europe/Madrid' });

    const badPolicy = await clinicGql(
      `mutation { updatePolicy(input: {
        reminders: [{ before: "two days", channel: SMS, template: "reminder_confirm" }, { before: "PT3H", channel: SMS, template: "no_such_template" }]
      }) { policyVersion } }`,
    );
    assert.equal(errorCode(badPolicy), 'BAD_USER_INPUT');
    assert.deepEqual(
      badPolicy.errors![0].extensions.fields.map((f: { field: string }) => f.field),
      ['input.reminders.0.before'],
      'the duration is refused before templates are looked up',
    );
    const unknownTemplate = await clinicGql(
      `mutation { updatePolicy(input: { reminders: [{ before: "PT3H", channel: SMS, template: "no_such_template" }] }) { policyVersion } }`,
    );
    assert.equal(unknownTemplate.errors![0].extensions.fields[0].field, 'input.reminders.0.template');

    const unknownVariable = await clinicGql(
      `mutation { upsertTemplate(input: { kind: "reminder_day_before", locale: "es", channel: SMS, body: "Hola {{nombre}}, mañana a las {{time}}" }) { id } }`,
    );
    assert.equal(errorCode(unknownVariable), 'BAD_USER_INPUT');
    assert.equal(unknownVariable.errors![0].extensions.variable, 'nombre');
    assert.equal(unknownVariable.errors![0].extensions.fields[0].field, 'input.body');
    assert.match(unknownVariable.errors![0].message, /unknown variable \{\{nombre\}\}.*\{\{name\}\}/);

    const template = ok(
      await clinicGql(
        `mutation { upsertTemplate(input: { kind: "reminder_day_before", locale: "es", channel: SMS, body: "Hola {{name}}, le esperamos mañana a las {{time}} en {{clinic}}." }) { kind locale channel } }`,
      ),
    ).upsertTemplate;
    assert.deepEqual(template, { kind: 'reminder_day_before', locale: 'es', channel: 'SMS' });

    const preview = ok(
      await clinicGql(
        `query($sample: PreviewSampleInput) { templatePreview(input: { kind: "reminder_day_before", sample: $sample }) { body segments variables { name value } } }`,
        { sample: { patientName: 'Lucía Gómez', startsAt: firstDay.set({ hour: 9, minute: 30 }).toISO() } },
      ),
    ).templatePreview;
    assert.equal(preview.body, 'Hola Lucía, le esperamos mañana a las 9:30 en Clínica Norte Centro.');
    assert.equal(preview.segments, 1);
    const draft = await clinicGql(`{ templatePreview(input: { kind: "reminder_final", body: "Link: {{link}}" }) { body } }`);
    assert.match(draft.errors![0].message, /rescheduleUrl/, 'no reschedule page, so no {{link}}');

    const policy = ok(
      await clinicGql(
        `mutation { updatePolicy(input: {
          reminders: [
            { before: "P2D", channel: SMS, template: "reminder_confirm", asksConfirmation: true },
            { before: "P1D", channel: SMS, template: "reminder_day_before", onlyIf: [SCHEDULED, AWAITING_CONFIRMATION, CONFIRMED] }
          ],
          quietHours: null
        }) { policyVersion policy { version quietHours { start } reminders { before template asksConfirmation onlyIf } } } }`,
      ),
    ).updatePolicy;
    assert.equal(policy.policyVersion, 2);
    assert.equal(policy.policy.version, 2);
    assert.equal(policy.policy.quietHours, null);
    assert.deepEqual(policy.policy.reminders[1], {
      before: 'P1D',
      template: 'reminder_day_before',
      asksConfirmation: false,
      onlyIf: ['SCHEDULED', 'AWAITING_CONFIRMATION', 'CONFIRMED'],
    });
  });

  it('books through GraphQL and through the booking webhook; lists them page by page with filters', async () => {
    const badPhone = await createAppointment('gql-bad', firstDay.set({ hour: 10 }), 'Nadie', '555-0100');
    assert.equal(errorCode(badPhone), 'BAD_USER_INPUT');
    assert.equal(badPhone.errors![0].extensions.fields[0].field, 'input.patient.phone');
    const noOffset = await clinicGql(
      `mutation { createAppointment(input: { startsAt: "2030-01-01T10:00:00", patient: { name: "X", phone: "+34600000000" } }) { externalId } }`,
    );
    assert.ok(noOffset.errors, 'a local time without an offset is refused');
    assert.match(noOffset.errors![0].message, /offset/);

    const phone = uniquePhone();
    const first = ok(await createAppointment('gql-1', firstDay.set({ hour: 10 }), 'Lucía Gómez', phone)).createAppointment;
    assert.equal(first.status, 'SCHEDULED');
    assert.equal(first.source, 'WORKFLOW');
    assert.equal(first.durationMinutes, 45);
    assert.equal(first.startsAt, firstDay.set({ hour: 10 }).toUTC().toISO());
    assert.equal(first.patient.phone, `+${'•'.repeat(phone.length - 5)}${phone.slice(-4)}`, 'the phone is masked');
    assert.equal(first.patient.locale, 'es', "the clinic's locale");
    await projected('gql-1');
    const duplicate = await createAppointment('gql-1', firstDay.set({ hour: 11 }), 'Lucía Gómez', phone);
    assert.equal(errorCode(duplicate), 'ALREADY_EXISTS');

    for (const [i, name] of ['Pedro Alba', 'Inés Soto', 'Pablo Gil'].entries()) {
      ok(await createAppointment(`gql-${i + 2}`, firstDay.set({ hour: 12 + i }), name));
    }
    const webhook = await deliverBooking(bookingEvent('appointment.created', 'hook-1', firstDay.plus({ days: 1 }).set({ hour: 9 }), uniquePhone()));
    assert.equal(webhook.status, 202);
    for (const id of ['gql-1', 'gql-2', 'gql-3', 'gql-4', 'hook-1']) await projected(id);

    const pageQuery = `query($after: String, $filter: AppointmentFilter) {
      appointments(first: 2, after: $after, filter: $filter) {
        totalCount pageInfo { hasNextPage endCursor } edges { cursor node { externalId status patient { name phone(reveal: true) } nextTouch { kind } } }
      } }`;
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const page: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string }; edges: { node: { externalId: string } }[] } =
        ok(await clinicGql(pageQuery, { after })).appointments;
      assert.equal(page.totalCount, 5);
      seen.push(...page.edges.map((e) => e.node.externalId));
      pages++;
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    assert.equal(pages, 3);
    assert.deepEqual(seen, ['gql-1', 'gql-2', 'gql-3', 'gql-4', 'hook-1'], 'soonest first, each once');

    const byName = ok(await clinicGql(pageQuery, { filter: { patientName: 'pAbLo' } })).appointments;
    assert.deepEqual(byName.edges.map((e: { node: { externalId: string } }) => e.node.externalId), ['gql-4']);
    assert.match(byName.edges[0].node.patient.phone, /^\+1555\d{7}$/, 'revealed on request');
    const nextDay = ok(await clinicGql(pageQuery, { filter: { startsFrom: firstDay.plus({ days: 1 }).toISO() } })).appointments;
    assert.deepEqual(nextDay.edges.map((e: { node: { externalId: string } }) => e.node.externalId), ['hook-1']);
    const attention = ok(await clinicGql(pageQuery, { filter: { needsAttention: true } })).appointments;
    assert.equal(attention.totalCount, 0);
    const badCursor = await clinicGql(pageQuery, { after: 'not-a-cursor' });
    assert.equal(badCursor.errors![0].extensions.fields[0].field, 'after');
    const tooBig = await clinicGql(`{ appointments(first: 500) { totalCount } }`);
    assert.equal(tooBig.errors![0].extensions.fields[0].field, 'first');
  });

  /** Staff actions below assume the patient has had the booking confirmation. */
  const bookingConfirmed = (externalId: string) =>
    eventually(
      async () => ok(await clinicGql(`{ appointment(externalId: "${externalId}") { ${APPOINTMENT_FIELDS} } }`)).appointment,
      (a) => a.messages.length === 1,
      `the booking confirmation of ${externalId} in its live state`,
    );

  it('reads one appointment live, confirms it as staff, and refuses what its state does not allow', async () => {
    const live = await bookingConfirmed('gql-1');
    await Promise.all(['gql-2', 'gql-3', 'gql-4', 'hook-1'].map(bookingConfirmed));
    assert.equal(live.source, 'WORKFLOW');
    assert.deepEqual(live.messages.map((m: { direction: string; kind: string }) => [m.direction, m.kind]), [['OUTBOUND', 'booking_confirmation']]);
    assert.match(live.messages[0].body, /^Hola Lucía, su cita en Clínica Norte Centro está reservada/);
    assert.equal(live.nextTouch.kind, 'REMINDER');
    assert.ok(live.timeline.some((t: { kind: string }) => t.kind === 'appointment.booked'));

    const confirmed = ok(
      await clinicGql(`mutation { confirmAppointment(externalId: "gql-1") { status timeline { kind detail } } }`),
    ).confirmAppointment;
    assert.equal(confirmed.status, 'CONFIRMED', 'the answer is the state after the update');
    assert.ok(confirmed.timeline.some((t: { kind: string; detail: string }) => t.kind === 'appointment.confirmed' && t.detail === 'by default'));

    const cancelled = ok(
      await clinicGql(`mutation { cancelAppointment(externalId: "gql-2", reason: "the doctor is ill") { status } }`),
    ).cancelAppointment;
    assert.equal(cancelled.status, 'CANCELLED');
    const afterCancel = await clinicGql(`mutation { confirmAppointment(externalId: "gql-2") { status } }`);
    assert.equal(errorCode(afterCancel), 'INVALID_TRANSITION');
    assert.match(afterCancel.errors![0].message, /^cannot confirm: the appointment is cancelled/);

    // Checked in: the visit happened and the review request is still to come, so the workflow runs
    // on and its own validator refuses the cancellation.
    const checkedIn = await deliverBooking(bookingEvent('appointment.checked_in', 'gql-3', firstDay.set({ hour: 13 }), uniquePhone()));
    assert.equal(checkedIn.status, 202);
    await eventually(
      async () => ok(await clinicGql(`{ appointment(externalId: "gql-3") { status } }`)).appointment,
      (a) => a.status === 'COMPLETED',
      'completed',
    );
    const late = await clinicGql(`mutation { cancelAppointment(externalId: "gql-3") { status } }`);
    assert.equal(errorCode(late), 'INVALID_TRANSITION');
    assert.equal(late.errors![0].message, 'cannot cancel: the appointment is completed');

    const unknown = await clinicGql(`mutation { resendReminder(externalId: "nope") { status } }`);
    assert.equal(errorCode(unknown), 'NOT_FOUND');
    assert.equal(ok(await clinicGql(`{ appointment(externalId: "nope") { status } }`)).appointment, null);

    const resent = ok(await clinicGql(`mutation { resendReminder(externalId: "gql-4") { status messages { kind } } }`)).resendReminder;
    assert.equal(resent.status, 'AWAITING_CONFIRMATION');
    assert.deepEqual(resent.messages.map((m: { kind: string }) => m.kind), ['booking_confirmation', 'reminder_confirm']);
  });

  it('reads a closed appointment from the projection, with its stored timeline and messages', async () => {
    await projected('gql-2', 'cancelled');
    const closed = await eventually(
      async () => ok(await clinicGql(`{ appointment(externalId: "gql-2") { ${APPOINTMENT_FIELDS} } }`)).appointment,
      (a) => a.source === 'PROJECTION',
      'the lifecycle closed',
    );
    assert.equal(closed.status, 'CANCELLED');
    assert.equal(closed.durationMinutes, null);
    assert.deepEqual(
      closed.timeline.map((t: { kind: string; detail: string | null }) => [t.kind, t.detail]),
      [
        ['appointment.booked', closed.startsAt],
        ['message.sent', 'booking_confirmation'],
        ['appointment.cancelled', 'default: the doctor is ill'],
        ['message.sent', 'cancelled_notice'],
      ],
    );
    assert.deepEqual(closed.messages.map((m: { kind: string }) => m.kind), ['booking_confirmation', 'cancelled_notice']);
  });

  it('stats over the range match what happened', async () => {
    // One appointment moved within the range by the booking system.
    const moved = await deliverBooking(bookingEvent('appointment.updated', 'hook-1', firstDay.plus({ days: 2 }).set({ hour: 9 }), uniquePhone()));
    assert.equal(moved.status, 202);
    await eventually(
      () => stack.db.auditEvent.count({ where: { tenantId: clinic.id, action: 'appointment.rescheduled' } }),
      (n) => n === 1,
      'the reschedule audited',
    );
    await projected('gql-3', 'completed');
    const from = DateTime.now().minus({ hours: 1 });
    const to = firstDay.plus({ days: 10 });
    const sent = await stack.db.message.aggregate({
      where: { tenantId: clinic.id, direction: 'outbound', sentAt: { gte: from.toJSDate(), lt: to.toJSDate() } },
      _count: { _all: true },
      _sum: { segments: true },
    });
    const stats = ok(
      await clinicGql(
        `query($from: DateTime!, $to: DateTime!) { stats(from: $from, to: $to) {
          appointments confirmed confirmationRate cancellations reschedules completed noShows noShowRate
          needingAttention messagesSent segmentsSent byChannel { channel messagesSent segmentsSent } repliesReceived repliesNeedingAttention } }`,
        { from: from.toISO(), to: to.toISO() },
      ),
    ).stats;
    assert.deepEqual(stats, {
      appointments: 5,
      confirmed: 1,
      confirmationRate: 0.2,
      cancellations: 1,
      reschedules: 1,
      completed: 1,
      noShows: 0,
      noShowRate: 0,
      needingAttention: 0,
      messagesSent: sent._count._all,
      segmentsSent: sent._sum.segments,
      // Every message of this clinic went by SMS.
      byChannel: [{ channel: 'SMS', messagesSent: sent._count._all, segmentsSent: sent._sum.segments }],
      repliesReceived: 0,
      repliesNeedingAttention: 0,
    });
    // 5 booking confirmations, the cancellation notice, the re-sent reminder and the time-change notice.
    assert.equal(stats.messagesSent, 8);
    const backwards = await clinicGql(`{ stats(from: "2030-01-02T00:00:00Z", to: "2030-01-01T00:00:00Z") { appointments } }`);
    assert.equal(backwards.errors![0].extensions.fields[0].field, 'to');
  });

  it('stats by period give each period what stats gives for it alone', async () => {
    const fields = `from to appointments confirmed confirmationRate cancellations reschedules completed noShows noShowRate
      needingAttention messagesSent segmentsSent byChannel { channel messagesSent segmentsSent } repliesReceived repliesNeedingAttention`;
    const boundaries = [DateTime.now().minus({ hours: 1 }), firstDay.plus({ days: 1 }), firstDay.plus({ days: 3 }), firstDay.plus({ days: 10 })].map((b) => b.toUTC().toISO()!);
    const periods = ok(await clinicGql(`query($b: [DateTime!]!) { statsByPeriod(boundaries: $b) { ${fields} } }`, { b: boundaries })).statsByPeriod;
    assert.equal(periods.length, 3);
    for (const [i, period] of periods.entries()) {
      const alone = ok(await clinicGql(`query($from: DateTime!, $to: DateTime!) { stats(from: $from, to: $to) { ${fields} } }`, { from: boundaries[i], to: boundaries[i + 1] })).stats;
      assert.deepEqual(period, alone, `period ${i}`);
    }
    const whole = ok(await clinicGql(`query($from: DateTime!, $to: DateTime!) { stats(from: $from, to: $to) { appointments messagesSent } }`, { from: boundaries[0], to: boundaries[3] })).stats;
    assert.equal(periods.reduce((sum: number, p: { appointments: number }) => sum + p.appointments, 0), whole.appointments);
    assert.equal(periods.reduce((sum: number, p: { messagesSent: number }) => sum + p.messagesSent, 0), whole.messagesSent);
    assert.ok(periods.filter((p: { appointments: number }) => p.appointments > 0).length >= 2, 'the appointments fall in more than one period');

    const refused = async (b: string[]) => (await clinicGql(`query($b: [DateTime!]!) { statsByPeriod(boundaries: $b) { appointments } }`, { b })).errors![0].extensions.fields[0];
    assert.deepEqual(await refused([boundaries[0]]), { field: 'boundaries', message: 'must hold 2 to 54 instants (1 to 53 periods)' });
    assert.deepEqual(await refused([boundaries[1], boundaries[2], boundaries[2]]), { field: 'boundaries[2]', message: 'must be after the instant before it' });
  });

  /** Plays the patient's SMS reply as the dev route does. */
  async function patientReplies(phone: string, body: string) {
    const res = await fetch(`${stack.url}/dev/inbound/${clinic.id}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from: phone, body }),
    });
    assert.equal(res.status, 202);
  }

  const liveAppointment = (externalId: string, check: (a: any) => boolean, what: string) => // eslint-disable-line @typescript-eslint/no-explicit-any
    eventually(async () => ok(await clinicGql(`{ appointment(externalId: "${externalId}") { ${APPOINTMENT_FIELDS} } }`)).appointment, check, what);

  it('staff write to the patient: sent now, in the thread and counted; blank, opted-out and another appointment\'s opt-out refused', async () => {
    const phone = uniquePhone();
    ok(await createAppointment('msg-1', firstDay.set({ hour: 16 }), 'Rosa Díaz', phone));
    ok(await createAppointment('msg-2', firstDay.plus({ days: 3 }).set({ hour: 16 }), 'Rosa Díaz', phone));
    await bookingConfirmed('msg-1');
    await bookingConfirmed('msg-2');
    const usageBefore = await stack.db.messageUsage.aggregate({ where: { tenantId: clinic.id }, _sum: { messages: true } });

    const blank = await clinicGql(`mutation { sendMessage(externalId: "msg-1", body: "   ") { status } }`);
    assert.equal(errorCode(blank), 'BAD_USER_INPUT');
    assert.deepEqual(blank.errors![0].extensions.fields, [{ field: 'body', message: 'must not be blank' }]);
    const long = await clinicGql(`mutation($body: String!) { sendMessage(externalId: "msg-1", body: $body) { status } }`, { body: 'x'.repeat(1601) });
    assert.equal(long.errors![0].extensions.fields[0].field, 'body');
    assert.equal(errorCode(await clinicGql(`mutation { sendMessage(externalId: "nope", body: "hi") { status } }`)), 'NOT_FOUND');

    const words = 'Hola Rosa, trae la tarjeta sanitaria, por favor.';
    const sent = ok(
      await clinicGql(`mutation($body: String!) { sendMessage(externalId: "msg-1", body: $body) { ${APPOINTMENT_FIELDS} } }`, { body: words }),
    ).sendMessage;
    const staffMessage = sent.messages.find((m: { kind: string }) => m.kind === 'staff_message');
    assert.deepEqual(
      { ...staffMessage, at: undefined, providerMessageId: undefined },
      { at: undefined, direction: 'OUTBOUND', channel: 'SMS', body: words, status: 'delivered', kind: 'staff_message', errorCode: null, providerMessageId: undefined },
      'the answer carries the message as sent, with its delivery status',
    );
    assert.match(staffMessage.providerMessageId, /^dev-[0-9a-f]{24}$/, "the dev provider's id");
    assert.ok(sent.timeline.some((t: { kind: string; detail: string }) => t.kind === 'staff.message' && t.detail === 'by default'));
    const row = await stack.db.message.findFirstOrThrow({ where: { tenantId: clinic.id, kind: 'staff_message' } });
    assert.equal(row.urgency, 'transactional');
    assert.equal(row.toPhone, phone);
    const usageAfter = await stack.db.messageUsage.aggregate({ where: { tenantId: clinic.id }, _sum: { messages: true } });
    assert.equal(usageAfter._sum.messages, (usageBefore._sum.messages ?? 0) + 1, 'counted against the plan like every message');

    // STOP goes to the nearer appointment, msg-1; msg-2's lifecycle has not heard of it, the consent ledger has.
    await patientReplies(phone, 'STOP');
    await liveAppointment('msg-1', (a) => a.timeline.some((t: { kind: string }) => t.kind === 'consent.opt_out'), 'the opt-out in msg-1');
    const optedOut = await clinicGql(`mutation { sendMessage(externalId: "msg-1", body: "Are you there?") { status } }`);
    assert.equal(errorCode(optedOut), 'PATIENT_OPTED_OUT');
    assert.equal(optedOut.errors![0].message, 'cannot send a message: the patient has opted out of messages');
    const viaOther = await clinicGql(`mutation { sendMessage(externalId: "msg-2", body: "Are you there?") { status } }`);
    assert.equal(errorCode(viaOther), 'PATIENT_OPTED_OUT', "the send skill reads the phone's consent");
    assert.equal(await stack.db.message.count({ where: { tenantId: clinic.id, kind: 'staff_message' } }), 1, 'nothing more was sent');
  });

  it('a staff message retried with its idempotency key is sent once, even when both tries run at once', async () => {
    ok(await createAppointment('msg-3', firstDay.plus({ days: 4 }).set({ hour: 16 }), 'Ana Lima', uniquePhone()));
    await bookingConfirmed('msg-3');
    const send = (body: string, idempotencyKey: string) =>
      clinicGql(
        `mutation($body: String!, $key: String) { sendMessage(externalId: "msg-3", body: $body, idempotencyKey: $key) { messages { kind body } } }`,
        { body, key: idempotencyKey },
      );
    const staffMessages = (body: string) => stack.db.message.count({ where: { tenantId: clinic.id, kind: 'staff_message', body } });

    const badKey = await send('Hello', 'not a key!');
    assert.equal(errorCode(badKey), 'BAD_USER_INPUT');
    assert.equal(badKey.errors![0].extensions.fields[0].field, 'idempotencyKey');
    assert.equal(await staffMessages('Hello'), 0, 'a refused key sends nothing');

    const first = ok(await send('Your results are in.', 'key-1')).sendMessage;
    const retried = ok(await send('Your results are in.', 'key-1')).sendMessage;
    assert.deepEqual(retried.messages, first.messages, 'the retry gets the first answer');
    assert.equal(await staffMessages('Your results are in.'), 1);

    const together = await Promise.all([send('Bring your glasses.', 'key-2'), send('Bring your glasses.', 'key-2')]);
    together.forEach((answer) => ok(answer));
    assert.equal(await staffMessages('Bring your glasses.'), 1, 'two tries at once, one message');

    ok(await send('Your results are in.', 'key-3'));
    assert.equal(await staffMessages('Your results are in.'), 2, 'another key is another message');
  });

  it("dev mode's patient phone: each phone's conversation as the patient sees it, and a reply played from it", async () => {
    const phones = ok(await clinicGql(`{ devPhones { phone patientName messages { direction body at } } }`)).devPhones;
    const rosa = phones.find((p: { patientName: string }) => p.patientName === 'Rosa Díaz');
    assert.ok(rosa, 'the phone of msg-1 and msg-2');
    assert.match(rosa.phone, /^\+1555\d{7}$/, 'unmasked: it is a dev tool');
    assert.deepEqual(
      rosa.messages.slice(-3).map((m: { direction: string; body: string }) => [m.direction, m.body]),
      [
        ['to_patient', 'Hola Rosa, trae la tarjeta sanitaria, por favor.'],
        ['from_patient', 'STOP'],
        ['to_patient', rosa.messages[rosa.messages.length - 1].body],
      ],
    );
    assert.match(rosa.messages[rosa.messages.length - 1].body, /no recibirá más mensajes|no more messages/i, 'the opt-out confirmed');
    const times = rosa.messages.map((m: { at: string }) => Date.parse(m.at));
    assert.deepEqual(times, [...times].sort((x: number, y: number) => x - y), 'oldest first');

    assert.equal(ok(await clinicGql(`mutation($p: String!) { devPatientReply(phone: $p, body: "START") }`, { p: rosa.phone })).devPatientReply, true);
    await eventually(
      () => stack.db.contact.findFirstOrThrow({ where: { tenantId: clinic.id, phone: rosa.phone } }),
      (c) => !c.optedOut,
      'the patient opted in again by the played reply',
    );
    assert.equal(ok(await clinicGql(`mutation { devPatientReply(phone: "+15550000001", body: "hello?") }`)).devPatientReply, false, 'no appointment');
    const bad = await clinicGql(`mutation { devPatientReply(phone: "555-0100", body: "") }`);
    assert.deepEqual(bad.errors![0].extensions.fields.map((f: { field: string }) => f.field), ['phone', 'body']);
  });

  it('the front desk marks attendance: the follow-up is planned; a second mark, a cancelled visit and an early no-show are refused', async () => {
    ok(await createAppointment('visit-1', firstDay.set({ hour: 17 }), 'Ana Ruiz'));
    ok(await createAppointment('visit-2', DateTime.now().minus({ minutes: 5 }), 'Luis Vera'));
    await bookingConfirmed('visit-1');

    const early = await clinicGql(`mutation { markAttendance(externalId: "visit-1", outcome: NO_SHOW) { status } }`);
    assert.equal(errorCode(early), 'INVALID_TRANSITION');
    assert.equal(early.errors![0].message, 'cannot mark a no-show: the appointment has not started yet');

    const attended = ok(await clinicGql(`mutation { markAttendance(externalId: "visit-1", outcome: ATTENDED) { ${APPOINTMENT_FIELDS} } }`)).markAttendance;
    assert.equal(attended.status, 'COMPLETED');
    assert.ok(attended.timeline.some((t: { kind: string; detail: string }) => t.kind === 'appointment.completed' && t.detail === 'by default'));
    assert.equal(attended.nextTouch?.kind, 'REVIEW_REQUEST', 'the review request is planned');
    const again = await clinicGql(`mutation { markAttendance(externalId: "visit-1", outcome: NO_SHOW) { status } }`);
    assert.equal(errorCode(again), 'INVALID_TRANSITION');
    assert.equal(again.errors![0].message, 'cannot mark attendance: attendance is recorded already (completed)');

    const missed = ok(await clinicGql(`mutation { markAttendance(externalId: "visit-2", outcome: NO_SHOW) { status } }`)).markAttendance;
    assert.equal(missed.status, 'NO_SHOW');
    await projected('visit-2', 'no_show');

    const cancelled = await clinicGql(`mutation { markAttendance(externalId: "gql-2", outcome: ATTENDED) { status } }`);
    assert.equal(errorCode(cancelled), 'INVALID_TRANSITION');
    assert.equal(cancelled.errors![0].message, 'cannot mark attendance: the appointment is cancelled and its lifecycle has ended');
  });

  it('the list shows why an appointment needs attention; staff resolve it, live or after the lifecycle has ended', async () => {
    const phone = uniquePhone();
    ok(await createAppointment('inbox-1', firstDay.set({ hour: 18 }), 'Eva Mora', phone));
    await bookingConfirmed('inbox-1');
    await patientReplies(phone, '¿Hay aparcamiento cerca?');
    await patientReplies(phone, '¿Y puedo ir con mi hija?');
    const listed = await eventually(
      async () => ok(await clinicGql(`{ appointments(filter: { needsAttention: true }) { nodes { externalId attentionReasons } } }`)).appointments.nodes,
      (nodes: { externalId: string; attentionReasons: string[] }[]) => nodes.some((n) => n.externalId === 'inbox-1' && n.attentionReasons.length === 2),
      'both replies listed as reasons in the projection',
    );
    const reasons: string[] = listed.find((n: { externalId: string }) => n.externalId === "inbox-1")!.attentionReasons;
    assert.ok(reasons.every((r) => r.startsWith('reply:')), JSON.stringify(reasons));
    const thread = (await liveAppointment('inbox-1', () => true, 'read')).messages;
    assert.deepEqual(
      reasons.map((r) => thread.find((m: { providerMessageId: string }) => `reply:${m.providerMessageId}` === r)?.body),
      ['¿Hay aparcamiento cerca?', '¿Y puedo ir con mi hija?'],
      'each reason names the reply it is about',
    );

    const unknown = await clinicGql(`mutation { resolveAttention(externalId: "inbox-1", reason: "unconfirmed") { status } }`);
    assert.equal(errorCode(unknown), 'INVALID_TRANSITION');
    assert.equal(unknown.errors![0].message, `cannot resolve "unconfirmed": the appointment needs attention for ${reasons.join(', ')}`);
    const one = ok(
      await clinicGql(`mutation($r: String) { resolveAttention(externalId: "inbox-1", reason: $r) { needsAttention attentionReasons } }`, { r: reasons[0] }),
    ).resolveAttention;
    assert.deepEqual(one, { needsAttention: true, attentionReasons: [reasons[1]] });
    await eventually(
      () => stack.db.appointment.findUniqueOrThrow({ where: { tenantId_externalId: { tenantId: clinic.id, externalId: 'inbox-1' } } }),
      (r) => r.attentionReasons.length === 1,
      'a change of reasons alone reaches the projection',
    );
    const all = ok(
      await clinicGql(`mutation { resolveAttention(externalId: "inbox-1", note: "llamada, todo aclarado") { needsAttention attentionReasons timeline { kind detail } } }`),
    ).resolveAttention;
    assert.deepEqual([all.needsAttention, all.attentionReasons], [false, []]);
    assert.deepEqual(
      all.timeline.filter((t: { kind: string }) => t.kind === 'attention.resolved').map((t: { detail: string }) => t.detail),
      [`${reasons[0]} by default`, `${reasons[1]} by default: llamada, todo aclarado`],
    );
    await eventually(
      () => stack.db.appointment.findUniqueOrThrow({ where: { tenantId_externalId: { tenantId: clinic.id, externalId: 'inbox-1' } } }),
      (r) => !r.needsAttention && r.attentionReasons.length === 0,
      'the projection cleared',
    );
    assert.equal(errorCode(await clinicGql(`mutation { resolveAttention(externalId: "inbox-1") { status } }`)), 'INVALID_TRANSITION');

    // A reply after the patient cancelled: the lifecycle has ended, the row still needs a person.
    const other = uniquePhone();
    ok(await createAppointment('inbox-2', firstDay.set({ hour: 19 }), 'Iván Paz', other));
    await bookingConfirmed('inbox-2');
    await patientReplies(other, '¿Tienen cita con el dermatólogo?');
    await liveAppointment('inbox-2', (a) => a.needsAttention, 'the question needs a person');
    ok(await clinicGql(`mutation { cancelAppointment(externalId: "inbox-2", reason: "duplicate booking") { status } }`));
    await liveAppointment('inbox-2', (a) => a.source === 'PROJECTION', 'the lifecycle ended');
    const ended = ok(
      await clinicGql(`mutation { resolveAttention(externalId: "inbox-2", reason: "reply", note: "answered by phone") { ${APPOINTMENT_FIELDS} } }`),
    ).resolveAttention;
    assert.equal(ended.source, 'PROJECTION');
    assert.deepEqual([ended.needsAttention, ended.attentionReasons], [false, []]);
    const resolvedLine = ended.timeline[ended.timeline.length - 1];
    assert.equal(resolvedLine.kind, 'attention.resolved');
    assert.match(resolvedLine.detail, /^reply:\S+ by default: answered by phone$/);
    assert.equal(errorCode(await clinicGql(`mutation { resolveAttention(externalId: "inbox-2") { status } }`)), 'INVALID_TRANSITION');
  });

  it('a staff message in the clinic\'s quiet hours is refused with when they end', async () => {
    ok(await createAppointment('quiet-1', firstDay.set({ hour: 20 }), 'Sara Gil'));
    await bookingConfirmed('quiet-1');
    const now = DateTime.now().setZone(ZONE);
    const quietHours = { start: now.minus({ hours: 1 }).toFormat('HH:mm'), end: now.plus({ hours: 1 }).toFormat('HH:mm') };
    ok(await clinicGql(`mutation($q: QuietHoursInput) { updatePolicy(input: { quietHours: $q }) { policyVersion } }`, { q: quietHours }));
    try {
      const quiet = await clinicGql(`mutation { sendMessage(externalId: "quiet-1", body: "Good night") { status } }`);
      assert.equal(errorCode(quiet), 'QUIET_HOURS');
      assert.equal(quiet.errors![0].extensions.until, now.plus({ hours: 1 }).set({ second: 0, millisecond: 0 }).toUTC().toISO());
      assert.match(quiet.errors![0].message, new RegExp(`last until ${quietHours.end}`));
      assert.equal(await stack.db.message.count({ where: { tenantId: clinic.id, kind: 'staff_message', body: 'Good night' } }), 0);
    } finally {
      ok(await clinicGql(`mutation { updatePolicy(input: { quietHours: null }) { policyVersion } }`));
    }
    ok(await clinicGql(`mutation { sendMessage(externalId: "quiet-1", body: "Good night") { status } }`));
  });

  it("streams the clinic's activity over SSE: a reply and its appointment's change arrive live, another clinic hears nothing", async () => {
    type Activity = { data?: { clinicActivity: { externalId: string; kind: string; at: string } }; errors?: { extensions: { code: string } }[] };
    const stream = `${stack.url}/graphql/stream`;
    const query = `subscription { clinicActivity { externalId kind at } }`;
    const other = ok(
      await graphql(OPERATOR_KEY, `mutation { createTenant(input: { name: "Clínica Sur", timeZone: "Europe/Madrid" }) { apiKey } }`),
    ).createTenant.apiKey as string;

    const refused = await subscribeOverSse(stream, 'aro_not-a-key', query);
    assert.equal(refused.status, 401);
    assert.deepEqual(refused.refusal, { errors: [{ message: 'send a valid API key as "Authorization: Bearer <key>"', extensions: { code: 'UNAUTHENTICATED' } }] });
    const notSubscription = await subscribeOverSse(stream, clinic.apiKey, `{ me { id } }`);
    assert.equal(notSubscription.status, 400);

    const phone = uniquePhone();
    ok(await createAppointment('live-1', firstDay.set({ hour: 11, minute: 30 }), 'Nora Vidal', phone));
    await bookingConfirmed('live-1');
    const mine = await subscribeOverSse<Activity>(stream, clinic.apiKey, query);
    const theirs = await subscribeOverSse<Activity>(stream, other, query);
    try {
      assert.equal(mine.status, 200);
      assert.equal(theirs.status, 200);
      await patientReplies(phone, 'Sí, confirmo');
      const reply = await mine.waitFor((e) => e.data?.clinicActivity.externalId === 'live-1' && e.data.clinicActivity.kind === 'reply');
      assert.ok(Date.parse(reply.data!.clinicActivity.at) > 0);
      // The reply confirms it: the acknowledgement leaves, and the projection's change follows.
      await mine.waitFor((e) => e.data?.clinicActivity.externalId === 'live-1' && e.data.clinicActivity.kind === 'message');
      await mine.waitFor((e) => e.data?.clinicActivity.externalId === 'live-1' && e.data.clinicActivity.kind === 'appointment');
      await projected('live-1', 'confirmed');
      // A later receipt (written here as the Twilio status webhook writes it; the dev provider delivers at once).
      const ack = await stack.db.message.findFirstOrThrow({ where: { tenantId: clinic.id, toPhone: phone, kind: 'confirm_ack' } });
      await stack.db.message.update({ where: { id: ack.id }, data: { status: 'read' } });
      await mine.waitFor((e) => e.data?.clinicActivity.externalId === 'live-1' && e.data.clinicActivity.kind === 'delivery_status');
      // Clinic Sur's stream is open and live, yet it heard nothing of Clínica Norte's activity.
      ok(await graphql(other, `mutation { createAppointment(input: { externalId: "sur-1", startsAt: "${firstDay.set({ hour: 9 }).toISO()}", patient: { name: "Sol", phone: "${uniquePhone()}" } }) { status } }`));
      await theirs.waitFor((e) => e.data?.clinicActivity.externalId === 'sur-1');
      assert.ok(theirs.received.every((e) => e.data?.clinicActivity.externalId === 'sur-1'), JSON.stringify(theirs.received));
      assert.ok(!mine.received.some((e) => e.data?.clinicActivity.externalId === 'sur-1'));
    } finally {
      mine.close();
      theirs.close();
    }
  });

  it('refuses queries that are too deep or too costly before running them', async () => {
    const deep = `{ __schema { types { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType {
      ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { name } } } } } } } } } } } } } } } } } } } } } }`;
    const tooDeep = await clinicGql(deep);
    assert.equal(tooDeep.status, 400);
    assert.equal(errorCode(tooDeep), 'QUERY_TOO_DEEP');
    const page = `appointments(first: 100) { nodes { externalId status needsAttention startsAt provider location patient { name phone locale } nextTouch { at kind template } } }`;
    const tooCostly = await clinicGql(`{ a: ${page} b: ${page} c: ${page} }`);
    assert.equal(tooCostly.status, 400);
    assert.equal(errorCode(tooCostly), 'QUERY_TOO_COMPLEX');
    ok(await clinicGql(`{ ${page} }`));
  });
});
