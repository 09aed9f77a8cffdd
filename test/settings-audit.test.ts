// Every settings change — through the clinic's GraphQL API, the operator's API and the operator's CLI —
// leaves one AuditEvent with who made it and what changed, and never a secret; a refused change leaves none.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startAroStack, type AroStack } from './support/aro-stack';
import { graphqlClient } from './support/graphql-client';
import { newAccount } from './support/local-twilio';
import { runOperatorCli } from './support/operator-cli';

const OPERATOR_KEY = randomBytes(32).toString('base64url');
const SECRETS_KEY = randomBytes(32).toString('base64');

describe('settings changes are audited', function () {
  this.timeout(120_000);
  let stack: AroStack;
  let graphql: ReturnType<typeof graphqlClient>;
  let tenantId: string;
  let apiKey: string;
  let webhookSecret: string;
  const secrets: string[] = [];

  async function ok(key: string, query: string, variables: Record<string, unknown> = {}) {
    const answer = await graphql(key, query, variables);
    assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
    return answer.data;
  }

  async function settingsAudit() {
    return stack.db.auditEvent.findMany({ where: { tenantId, action: { startsWith: 'settings.' } }, orderBy: { at: 'asc' } });
  }

  before(async function () {
    this.timeout(15 * 60_000);
    stack = await startAroStack({ ARO_OPERATOR_KEY: OPERATOR_KEY, ARO_SECRETS_KEY: SECRETS_KEY });
    graphql = graphqlClient(stack.url);
    const created = await ok(
      OPERATOR_KEY,
      `mutation { createTenant(input: { name: "Audit Dental", timeZone: "Europe/Madrid" }) { apiKey webhookSecret tenant { id } } }`,
    );
    ({ apiKey, webhookSecret } = created.createTenant);
    tenantId = created.createTenant.tenant.id;
    secrets.push(apiKey, webhookSecret);
  });

  after(async function () {
    this.timeout(60_000);
    await stack?.stop();
  });

  it('records the operator creating the clinic, without its key or webhook secret', async () => {
    const [entry] = await settingsAudit();
    assert.equal(entry.action, 'settings.tenant_created');
    assert.equal(entry.actor, 'operator (api)');
    assert.deepEqual(entry.detail, { name: 'Audit Dental', timeZone: 'Europe/Madrid', defaultLocale: 'en', executor: 'pooled' });
  });

  it('records each clinic change with the key that made it and the values before and after', async () => {
    const [{ id: keyId }] = await stack.db.apiKey.findMany({ where: { tenantId } });
    const actor = `api-key:default (${keyId})`;
    await ok(apiKey, `mutation { updateTenant(input: { name: "Audit Dental Clinic" }) { id } }`);
    await ok(apiKey, `mutation { updatePolicy(input: { rescheduleUrl: "https://booking.example/r", frequencyCap: { perDay: 2, perWeek: 4 } }) { policyVersion } }`);
    await ok(apiKey, `mutation { upsertTemplate(input: { kind: "reminder_final", locale: "en", channel: SMS, body: "See you at {{time}}, {{name}}." }) { id } }`);
    const made = await ok(apiKey, `mutation { createApiKey(name: "front desk") { apiKey key { id } } }`);
    secrets.push(made.createApiKey.apiKey);
    assert.equal(await ok(apiKey, `mutation($id: ID!) { revokeApiKey(id: $id) }`, { id: made.createApiKey.key.id }).then((d) => d.revokeApiKey), true);

    const entries = (await settingsAudit()).slice(1);
    assert.deepEqual(
      entries.map((e) => [e.action, e.actor, e.subject]),
      [
        ['settings.tenant_updated', actor, `tenant:${tenantId}`],
        ['settings.policy_updated', actor, 'policy:v2'],
        ['settings.template_upserted', actor, 'template:reminder_final/en/sms'],
        ['settings.api_key_created', actor, `api-key:${made.createApiKey.key.id}`],
        ['settings.api_key_revoked', actor, `api-key:${made.createApiKey.key.id}`],
      ],
    );
    assert.deepEqual(entries[0].detail, { changed: { name: { from: 'Audit Dental', to: 'Audit Dental Clinic' } } });
    assert.deepEqual(entries[1].detail, {
      fromVersion: 1,
      toVersion: 2,
      changed: {
        rescheduleUrl: { from: null, to: 'https://booking.example/r' },
        frequencyCap: { from: { perDay: 1, perWeek: 3 }, to: { perDay: 2, perWeek: 4 } },
      },
    });
    assert.deepEqual(entries[2].detail, {
      created: false,
      body: { from: 'Hi {{name}}, see you today at {{time}} at {{clinic}}.', to: 'See you at {{time}}, {{name}}.' },
    });
    assert.deepEqual(entries[3].detail, { keyId: made.createApiKey.key.id, name: 'front desk' });
  });

  it('records nothing for a change that is refused', async () => {
    const before = (await settingsAudit()).length;
    const refused = await graphql(apiKey, `mutation { updatePolicy(input: { rescheduleUrl: "javascript:alert(1)" }) { policyVersion } }`);
    assert.equal(refused.errors?.[0].extensions.code, 'BAD_USER_INPUT');
    const rate = await graphql(apiKey, `mutation { updateTenant(input: { channels: { maxMessagesPerSecond: 1e308 } }) { id } }`);
    assert.equal(rate.errors?.[0].extensions.code, 'BAD_USER_INPUT');
    assert.equal((await settingsAudit()).length, before);
  });

  it("records the operator's CLI changes as the operator's, and never the Twilio auth token", async () => {
    const env = { ...process.env, DATABASE_URL: stack.databaseUrl, ARO_SECRETS_KEY: SECRETS_KEY };
    const account = newAccount();
    secrets.push(account.authToken);
    const twilio = await runOperatorCli(['tenant', 'twilio', '--id', tenantId, '--account-sid', account.accountSid, '--from', '+34600000001', '--rate', '5'], {
      ...env,
      TWILIO_AUTH_TOKEN: account.authToken,
    });
    assert.equal(twilio.code, 0, twilio.output);
    const plan = await runOperatorCli(['tenant', 'plan', '--id', tenantId, '--plan', 'business'], env);
    assert.equal(plan.code, 0, plan.output);
    const refused = await runOperatorCli(['tenant', 'twilio', '--id', tenantId, '--account-sid', account.accountSid, '--from', '+34600000001', '--rate', '1e308'], {
      ...env,
      TWILIO_AUTH_TOKEN: account.authToken,
    });
    assert.notEqual(refused.code, 0);
    assert.match(refused.output, /rate/);

    const entries = (await settingsAudit()).filter((e) => e.actor.startsWith('operator-cli:'));
    assert.deepEqual(
      entries.map((e) => e.action),
      ['settings.twilio_configured', 'settings.plan_changed'],
    );
    assert.deepEqual(entries[0].detail, { accountSid: account.accountSid, from: '+34600000001', maxMessagesPerSecond: 5 });
    assert.deepEqual(entries[1].detail, { plan: { from: 'individual', to: 'business' } });
  });

  it('holds no key, webhook secret or token in any audit entry', async () => {
    const text = JSON.stringify(await stack.db.auditEvent.findMany());
    for (const secret of secrets) assert.ok(!text.includes(secret), 'a secret was audited');
  });
});
