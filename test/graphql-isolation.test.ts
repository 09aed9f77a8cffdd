// Tenant isolation and authentication of the clinic's GraphQL API, against the real app, Temporal and
// PostgreSQL: clinic B's key tries every query and mutation on clinic A's data and gets nothing,
// a revoked key stops at once, operator mutations refuse a clinic key, and each key is rate limited.
import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import { generateOperatorKey } from '../src/tenants/operator-key';
import { startAroStack, type AroStack } from './support/aro-stack';
import { errorCode, graphqlClient, type GraphqlAnswer } from './support/graphql-client';
import { eventually, uniquePhone } from './support/lifecycle-harness';
import { subscribeOverSse } from './support/sse-subscription';

const OPERATOR_KEY = generateOperatorKey();
const RATE_LIMIT_PER_MINUTE = 40;

describe('clinic GraphQL API: tenant isolation and keys', function () {
  this.timeout(120_000);
  let stack: AroStack;
  let graphql: ReturnType<typeof graphqlClient>;
  let a: { id: string; key: string; keyId: string; phone: string };
  let b: { id: string; key: string };
  const startsAt = DateTime.now().plus({ days: 4 }).set({ hour: 10, minute: 0, second: 0, millisecond: 0 });

  function ok(answer: GraphqlAnswer) {
    assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
    return answer.data;
  }

  async function createClinic(name: string) {
    const created = ok(
      await graphql(OPERATOR_KEY, `mutation($name: String!) { createTenant(input: { name: $name, timeZone: "America/Chicago" }) { apiKey tenant { id } } }`, { name }),
    ).createTenant;
    return { id: created.tenant.id as string, key: created.apiKey as string };
  }

  function book(key: string, externalId: string, phone: string) {
    return graphql(
      key,
      `mutation($input: AppointmentInput!) { createAppointment(input: $input) { externalId status patient { name } } }`,
      { input: { externalId, startsAt: startsAt.toISO(), patient: { name: `Patient ${externalId}`, phone } } },
    );
  }

  const aAppointment = () => graphql(a.key, `{ appointment(externalId: "a-1") { status patient { name phone(reveal: true) } timeline { kind } } }`);

  before(async function () {
    this.timeout(15 * 60_000);
    stack = await startAroStack({ ARO_OPERATOR_KEY: OPERATOR_KEY, ARO_GRAPHQL_RATE_LIMIT: String(RATE_LIMIT_PER_MINUTE), ARO_DEV_MODE: '1' });
    graphql = graphqlClient(stack.url);
    const clinicA = await createClinic('Clinic A');
    const clinicB = await createClinic('Clinic B');
    const keys = ok(await graphql(clinicA.key, `{ me { apiKeys { id } } }`)).me.apiKeys;
    a = { ...clinicA, keyId: keys[0].id, phone: uniquePhone() };
    b = clinicB;
    ok(await book(a.key, 'a-1', a.phone));
    ok(await graphql(a.key, `mutation { upsertTemplate(input: { kind: "a_only", locale: "en", channel: SMS, body: "Hi {{name}}" }) { id } }`));
    ok(await book(b.key, 'b-1', uniquePhone()));
    // A's patient becomes a contact when the booking confirmation goes out.
    await eventually(() => stack.db.contact.count({ where: { tenantId: a.id } }), (n) => n === 1, "clinic A's contact");
    // A's patient opts out, so A's consent ledger has an entry B must not see.
    const stop = await fetch(`${stack.url}/dev/inbound/${a.id}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from: a.phone, body: 'STOP' }),
    });
    assert.equal(stop.status, 202);
    await eventually(() => stack.db.contact.findFirst({ where: { tenantId: a.id } }), (c) => c?.optedOut === true, "A's patient opted out");
    await eventually(() => stack.db.appointment.count(), (n) => n === 2, 'both appointments projected');
  });

  after(async function () {
    this.timeout(60_000);
    await stack?.stop();
  });

  it("clinic B's key reads nothing of clinic A's", async () => {
    assert.equal(ok(await graphql(b.key, `{ me { id name } }`)).me.id, b.id);
    const list = ok(await graphql(b.key, `{ appointments(first: 100) { totalCount nodes { externalId } } }`)).appointments;
    assert.deepEqual(list, { totalCount: 1, nodes: [{ externalId: 'b-1' }] });
    const filtered = ok(await graphql(b.key, `{ appointments(filter: { patientName: "a-1" }) { totalCount } }`)).appointments;
    assert.equal(filtered.totalCount, 0);
    assert.equal(ok(await graphql(b.key, `{ appointment(externalId: "a-1") { status } }`)).appointment, null);
    const contacts = ok(await graphql(b.key, `{ contacts(first: 100) { nodes { phone(reveal: true) optedOut consents { change } } } }`)).contacts;
    assert.equal(contacts.nodes.length, 1, "B's own patient only");
    assert.notEqual(contacts.nodes[0].phone, a.phone);
    assert.deepEqual(contacts.nodes[0].consents, []);
    const searched = ok(await graphql(b.key, `query($q: String) { contacts(filter: { search: $q }) { totalCount } }`, { q: a.phone })).contacts;
    assert.equal(searched.totalCount, 0);
    const stats = ok(
      await graphql(b.key, `query($to: DateTime!) { stats(from: "2000-01-01T00:00:00Z", to: $to) { appointments messagesSent } }`, {
        to: startsAt.plus({ days: 30 }).toISO(),
      }),
    ).stats;
    assert.equal(stats.appointments, 1);
    const phones = ok(await graphql(b.key, `{ devPhones { phone } }`)).devPhones;
    assert.ok(phones.length === 1 && phones[0].phone !== a.phone, "B's own patient's phone only");
    const preview = await graphql(b.key, `{ templatePreview(input: { kind: "a_only" }) { body } }`);
    assert.equal(errorCode(preview), 'NOT_FOUND');
    const templates = ok(await graphql(b.key, `{ me { templates { kind } apiKeys { id } } }`)).me;
    assert.ok(!templates.templates.some((t: { kind: string }) => t.kind === 'a_only'));
    assert.ok(!templates.apiKeys.some((k: { id: string }) => k.id === a.keyId));
  });

  it("clinic B's key changes nothing of clinic A's", async () => {
    for (const mutation of [
      `mutation { confirmAppointment(externalId: "a-1") { status } }`,
      `mutation { cancelAppointment(externalId: "a-1", reason: "not yours") { status } }`,
      `mutation { resendReminder(externalId: "a-1") { status } }`,
      `mutation { sendMessage(externalId: "a-1", body: "not yours") { status } }`,
      `mutation { markAttendance(externalId: "a-1", outcome: ATTENDED) { status } }`,
      `mutation { resolveAttention(externalId: "a-1", note: "not yours") { status } }`,
      `mutation { revokeApiKey(id: "${a.keyId}") }`,
    ]) {
      assert.equal(errorCode(await graphql(b.key, mutation)), 'NOT_FOUND', mutation);
    }
    // B's own settings, policy, template and key: written to B, never to A.
    ok(await graphql(b.key, `mutation { updateTenant(input: { name: "Clinic B renamed", defaultLocale: "es" }) { id } }`));
    ok(await graphql(b.key, `mutation { updatePolicy(input: { fallbackToSms: false }) { id } }`));
    ok(await graphql(b.key, `mutation { upsertTemplate(input: { kind: "a_only", locale: "en", channel: SMS, body: "B's text" }) { id } }`));
    ok(await graphql(b.key, `mutation { createApiKey(name: "b second") { apiKey } }`));
    // The same external id in B is B's own appointment, with its own workflow.
    const bCopy = ok(await book(b.key, 'a-1', uniquePhone())).createAppointment;
    assert.equal(bCopy.patient.name, 'Patient a-1');
    await eventually(
      async () => ok(await graphql(b.key, `{ appointments { nodes { externalId } } }`)).appointments.nodes.map((n: { externalId: string }) => n.externalId),
      (ids) => ids.length === 2 && ids.includes('a-1'),
      "B's own a-1 beside b-1",
    );

    const me = ok(await graphql(a.key, `{ me { name defaultLocale policyVersion policy { fallbackToSms } apiKeys { name revokedAt } } }`)).me;
    assert.deepEqual(me, {
      name: 'Clinic A',
      defaultLocale: 'en',
      policyVersion: 1,
      policy: { fallbackToSms: true },
      apiKeys: [{ name: 'default', revokedAt: null }],
    });
    const aContacts = ok(await graphql(a.key, `{ contacts(filter: { optedOut: true }) { nodes { phone optedOut consents { change source } } } }`)).contacts;
    assert.deepEqual(aContacts.nodes, [
      { phone: `+${'•'.repeat(a.phone.length - 5)}${a.phone.slice(-4)}`, optedOut: true, consents: [{ change: 'OPT_OUT', source: 'keyword' }] },
    ]);
    const preview = ok(await graphql(a.key, `{ templatePreview(input: { kind: "a_only", sample: { patientName: "Ann Lee" } }) { body } }`)).templatePreview;
    assert.equal(preview.body, 'Hi Ann');
    const own = ok(await aAppointment()).appointment;
    assert.equal(own.status, 'SCHEDULED');
    assert.equal(own.patient.phone, a.phone);
    assert.ok(!own.timeline.some((t: { kind: string }) => t.kind.startsWith('appointment.c')), 'neither confirmed nor cancelled');
  });

  it('refuses a missing or unknown key with UNAUTHENTICATED (401), for introspection too', async () => {
    for (const key of [null, 'aro_not-a-real-key', b.key.slice(0, -1)]) {
      const answer = await graphql(key, `{ me { id } }`);
      assert.equal(answer.status, 401);
      assert.equal(errorCode(answer), 'UNAUTHENTICATED');
      assert.equal(answer.headers.get('www-authenticate'), 'Bearer');
      assert.equal(answer.data, null);
    }
    assert.equal(errorCode(await graphql(null, `{ __schema { queryType { name } } }`)), 'UNAUTHENTICATED');
  });

  it('a revoked key stops working at once; the last active key cannot be revoked', async () => {
    const created = ok(await graphql(a.key, `mutation { createApiKey(name: "front desk") { apiKey key { id name revokedAt } } }`)).createApiKey;
    assert.equal(created.key.name, 'front desk');
    assert.ok(created.apiKey.startsWith('aro_'));
    assert.equal(ok(await graphql(created.apiKey, `{ me { id } }`)).me.id, a.id);
    const stream = await subscribeOverSse<{ data?: { clinicActivity: { externalId: string } } }>(
      `${stack.url}/graphql/stream`,
      created.apiKey,
      `subscription { clinicActivity { externalId kind } }`,
    );
    assert.equal(stream.status, 200);
    assert.equal(ok(await graphql(a.key, `mutation($id: ID!) { revokeApiKey(id: $id) }`, { id: created.key.id })).revokeApiKey, true);
    // Clinic A's next activity does not reach the revoked key's open stream: the stream is closed instead.
    ok(await book(a.key, 'a-after-revoke', uniquePhone()));
    await stream.ended;
    assert.deepEqual(stream.received, []);
    const reconnect = await subscribeOverSse(`${stack.url}/graphql/stream`, created.apiKey, `subscription { clinicActivity { kind } }`);
    assert.equal(reconnect.status, 401);
    const refused = await graphql(created.apiKey, `{ me { id } }`);
    assert.equal(refused.status, 401);
    assert.equal(errorCode(refused), 'UNAUTHENTICATED');
    assert.equal(ok(await graphql(a.key, `mutation($id: ID!) { revokeApiKey(id: $id) }`, { id: created.key.id })).revokeApiKey, false);
    const last = await graphql(a.key, `mutation($id: ID!) { revokeApiKey(id: $id) }`, { id: a.keyId });
    assert.equal(errorCode(last), 'FORBIDDEN');
    ok(await graphql(a.key, `{ me { id } }`));
  });

  it('operator mutations refuse a clinic key, and the operator key reads no clinic', async () => {
    const byClinic = await graphql(a.key, `mutation { createTenant(input: { name: "Sneaky", timeZone: "UTC" }) { apiKey } }`);
    assert.equal(errorCode(byClinic), 'FORBIDDEN');
    assert.equal(byClinic.data, null);
    assert.equal(await stack.db.tenant.count({ where: { name: 'Sneaky' } }), 0);
    for (const query of [`{ me { id } }`, `{ appointments { totalCount } }`, `mutation { confirmAppointment(externalId: "a-1") { status } }`]) {
      assert.equal(errorCode(await graphql(OPERATOR_KEY, query)), 'FORBIDDEN', query);
    }
  });

  it('limits each key to its rate, leaving other keys alone', async () => {
    const { apiKey } = ok(await graphql(a.key, `mutation { createApiKey(name: "busy script") { apiKey } }`)).createApiKey;
    // All at once: one at a time on a loaded machine, the bucket refills a token every 1.5 s while they run.
    const burst = RATE_LIMIT_PER_MINUTE + 5;
    const answers: GraphqlAnswer[] = await Promise.all(Array.from({ length: burst }, () => graphql(apiKey, `{ me { id } }`)));
    const passed = answers.filter((r) => r.status === 200).length;
    assert.ok(passed >= RATE_LIMIT_PER_MINUTE && passed < burst, `${passed} of ${burst} passed`);
    const limited = answers.find((r) => r.status !== 200)!;
    assert.equal(limited.status, 429);
    assert.equal(errorCode(limited), 'RATE_LIMITED');
    assert.ok(Number(limited.headers.get('retry-after')) >= 1);
    ok(await graphql(b.key, `{ me { id } }`));
  });
});
