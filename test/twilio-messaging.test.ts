// The messaging.send skill through the Twilio provider: the real `twilio` client against a local
// Twilio-compatible server, a real PostgreSQL, sealed per-tenant credentials and plan limits.
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { createSkillActivities, type ActivityDeps } from '../src/activities';
import type { MessagingProvider } from '../src/activities/providers/messaging-provider';
import { createTwilioProvider } from '../src/activities/providers/twilio';
import { PrismaPg } from '@prisma/adapter-pg';
import { createPrisma, type Db } from '../src/db/prisma';
import { PrismaClient } from '../src/generated/prisma/client';
import { DEFAULT_PLAN_LIMITS } from '../src/domain/plan-limits';
import { CredentialCipher } from '../src/secrets/credential-cipher';
import { openProviderCredentials, resealProviderCredentials } from '../src/secrets/provider-credentials';
import { createTenant } from '../src/tenants/create-tenant';
import { configureTwilio } from '../src/tenants/twilio-setup';
import { setWhatsappTemplate } from '../src/tenants/whatsapp-templates';
import { ErrorType, type SendMessageCommand, type SendOutcome } from '../src/workflows/contracts';
import { uniquePhone } from './support/lifecycle-harness';
import { LocalTwilio, newAccount, randomSid, type LocalTwilioAccount } from './support/local-twilio';
import { startTestDatabase, type TestDatabase } from './support/servers';

const PUBLIC_URL = 'https://aro.clinic.example';
const TWILIO_TIMEOUT_MS = 400;

describe('Twilio messaging: messaging.send with the real twilio client', function () {
  this.timeout(120_000);
  let database: TestDatabase;
  let db: Db;
  let twilioServer: LocalTwilio;
  const firstKey = randomBytes(32);
  let cipher: CredentialCipher;
  let twilio: MessagingProvider;
  const service = { account: newAccount(), messagingServiceSid: randomSid('MG'), tenantId: '' };
  const numbered = { account: newAccount(), from: '+15005550006', whatsappFrom: '+15005550007', tenantId: '' };

  function deps(overrides: Partial<ActivityDeps> = {}): ActivityDeps {
    return { db, providers: { twilio }, cipher, publicUrl: PUBLIC_URL, planLimits: DEFAULT_PLAN_LIMITS, ...overrides };
  }

  function send(cmd: SendMessageCommand, overrides: Partial<ActivityDeps> = {}): Promise<SendOutcome> {
    return createSkillActivities(deps(overrides), cmd.tenantId)['messaging.send'](cmd);
  }

  function command(tenantId: string, overrides: Partial<SendMessageCommand> = {}): SendMessageCommand {
    const externalId = `ext-${randomUUID()}`;
    const workflowId = `appt:${tenantId}:${externalId}`;
    return {
      tenantId,
      commandId: `${workflowId}:r0:booking_confirmation`,
      workflowId,
      appointmentExternalId: externalId,
      to: uniquePhone(),
      patientName: 'Ana Ruiz',
      locale: 'en',
      channel: 'sms',
      template: 'booking_confirmation',
      urgency: 'transactional',
      at: new Date().toISOString(),
      appointment: {
        externalId,
        startsAt: new Date(Date.now() + 3 * 86_400_000).toISOString(),
        durationMinutes: 30,
        patient: { name: 'Ana Ruiz', phone: '+15550000000' },
      },
      policy: {
        quietHours: null,
        rescheduleUrl: null,
        rescheduleLinkTtl: 'P2D',
        frequencyCap: { perDay: 100, perWeek: 100 },
        whatsappDeliveryWindow: 'PT30M',
      },
      ...overrides,
    };
  }

  async function clinic(name: string, account: LocalTwilioAccount, sender: { messagingServiceSid?: string; from?: string; whatsappFrom?: string }) {
    const { tenant } = await createTenant(db, { name, timeZone: 'America/New_York' });
    await configureTwilio(db, cipher, tenant.id, { ...account, ...sender });
    return tenant.id;
  }

  /** Asserts `promise` rejects with the typed failure, and returns its Twilio code. */
  async function failure(promise: Promise<unknown>, type: string): Promise<string | undefined> {
    let code: string | undefined;
    await assert.rejects(promise, (err: unknown) => {
      assert.ok(err instanceof ApplicationFailure, String(err));
      assert.equal(err.type, type, err.message);
      assert.equal(err.nonRetryable, type !== ErrorType.ProviderTransient);
      code = (err.details?.[0] as { code?: string } | undefined)?.code;
      return true;
    });
    return code;
  }

  before(async function () {
    this.timeout(300_000);
    database = await startTestDatabase();
    db = createPrisma(database.databaseUrl);
    twilioServer = await new LocalTwilio([service.account, numbered.account]).start();
    // Nothing here waits for the status webhooks: they are posted to PUBLIC_URL, which nobody serves.
    twilioServer.deliverySteps = [];
    cipher = new CredentialCipher(firstKey);
    twilio = createTwilioProvider({ apiBaseUrl: twilioServer.url, timeoutMs: TWILIO_TIMEOUT_MS });
    service.tenantId = await clinic('Harbour Dental', service.account, { messagingServiceSid: service.messagingServiceSid });
    numbered.tenantId = await clinic('Sunrise Clinic', numbered.account, { from: numbered.from, whatsappFrom: numbered.whatsappFrom });
  });

  after(async function () {
    await twilioServer?.stop();
    await db?.$disconnect();
    await database?.stop();
  });

  it('sends an SMS through the Messaging Service, asking for statuses at the tenant webhook, and records it', async () => {
    const cmd = command(service.tenantId);
    const outcome = await send(cmd);
    assert.equal(outcome.status, 'sent');
    const [sent] = twilioServer.sentTo(cmd.to);
    assert.equal(sent.messagingServiceSid, service.messagingServiceSid);
    assert.equal(sent.from, null);
    assert.equal(sent.to, cmd.to);
    assert.match(sent.body, /^Hi Ana, your appointment at Harbour Dental is booked for/);
    assert.equal(sent.statusCallback, `${PUBLIC_URL}/webhooks/twilio/${service.tenantId}/status`);
    assert.deepEqual(outcome, { status: 'sent', providerMessageId: sent.sid, body: sent.body, channel: 'sms', providerStatus: 'accepted' });

    const row = await db.message.findUniqueOrThrow({ where: { tenantId_commandId: { tenantId: cmd.tenantId, commandId: cmd.commandId } } });
    assert.equal(row.providerMessageId, sent.sid);
    assert.equal(row.provider, 'twilio');
    assert.equal(row.segments, 1);
    // Idempotent: the same command answers from the record and sends nothing.
    assert.deepEqual(await send(cmd), outcome);
    assert.equal(twilioServer.sentTo(cmd.to).length, 1);
  });

  it('sends in four statements while the tenant, its templates and credentials are kept; a completed command answers from one', async () => {
    const statements: string[] = [];
    const logged = new PrismaClient({ adapter: new PrismaPg({ connectionString: database.databaseUrl }), log: [{ emit: 'event', level: 'query' }] });
    logged.$on('query', (e) => statements.push(e.query));
    try {
      const skill = createSkillActivities(deps({ db: logged, tenantCacheTtlMs: 60_000 }), service.tenantId)['messaging.send'];
      assert.equal((await skill(command(service.tenantId))).status, 'sent', 'the first send reads the tenant, its templates and credentials');
      statements.length = 0;
      const cmd = command(service.tenantId);
      const outcome = await skill(cmd);
      assert.equal(outcome.status, 'sent');
      assert.equal(statements.length, 4, `open, pending message, provider's answer, outcome:\n${statements.join('\n')}`);
      statements.length = 0;
      assert.deepEqual(await skill(cmd), outcome, 'the retry of a completed command answers its stored outcome');
      assert.equal(statements.length, 1);
      assert.equal(twilioServer.sentTo(cmd.to).length, 1, 'and sends nothing');
    } finally {
      await logged.$disconnect();
    }
  });

  it('holds a routine message the frequency cap does not allow until the earlier one leaves the day; other messages still go', async () => {
    const to = uniquePhone();
    const policy = { ...command(service.tenantId).policy, frequencyCap: { perDay: 1, perWeek: 5 } };
    const firstAt = new Date(Date.now() - 3_600_000);
    const routine = (at: Date) => command(service.tenantId, { to, urgency: 'routine', template: 'reminder_final', at: at.toISOString(), policy });
    assert.equal((await send(routine(firstAt))).status, 'sent');
    const held = await send(routine(new Date()));
    assert.deepEqual(held.status === 'refused' && { reason: held.reason, retryAt: held.retryAt }, {
      reason: 'frequency_cap',
      retryAt: new Date(firstAt.getTime() + 86_400_000).toISOString(),
    });
    assert.equal((await send(command(service.tenantId, { to, policy }))).status, 'sent', 'a transactional message is not capped');
  });

  it('sends an SMS from the clinic number when it has no Messaging Service', async () => {
    const cmd = command(numbered.tenantId);
    await send(cmd);
    const [sent] = twilioServer.sentTo(cmd.to);
    assert.equal(sent.from, numbered.from);
    assert.equal(sent.messagingServiceSid, null);
    assert.equal(sent.status, 'queued');
  });

  it('sends WhatsApp as a free-form session message within 24 hours of the patient writing', async () => {
    const cmd = command(numbered.tenantId, { channel: 'whatsapp' });
    await db.message.create({
      data: {
        id: `m_in_${randomUUID()}`,
        tenantId: numbered.tenantId,
        direction: 'inbound',
        channel: 'whatsapp',
        toPhone: numbered.whatsappFrom,
        fromPhone: cmd.to,
        body: 'Hola',
        provider: 'twilio',
        status: 'received',
        createdAt: new Date(Date.now() - 3 * 3_600_000),
      },
    });
    const outcome = await send(cmd);
    const [sent] = twilioServer.sentTo(cmd.to);
    assert.equal(sent.to, `whatsapp:${cmd.to}`);
    assert.equal(sent.from, `whatsapp:${numbered.whatsappFrom}`);
    assert.equal(sent.contentSid, null);
    assert.match(sent.body, /^Hi Ana/);
    // The workflow is told when to check that it arrived (the policy's 30-minute window).
    assert.equal(outcome.status === 'sent' && outcome.deliveryCheckAt, new Date(Date.parse(cmd.at) + 30 * 60_000).toISOString());
  });

  it('sends WhatsApp outside the session window as the approved template, with its variables', async () => {
    const contentSid = randomSid('HX');
    await setWhatsappTemplate(db, numbered.tenantId, {
      kind: 'reminder_confirm',
      locale: 'en',
      contentSid,
      variables: { '1': 'name', '2': 'date', '3': 'time' },
      body: 'Hi {{name}}, see you on {{date}} at {{time}}. Reply YES to confirm.',
    });
    const cmd = command(numbered.tenantId, { channel: 'whatsapp', template: 'reminder_confirm' });
    await send(cmd);
    const [sent] = twilioServer.sentTo(cmd.to);
    assert.equal(sent.contentSid, contentSid);
    assert.deepEqual(Object.keys(sent.contentVariables!), ['1', '2', '3']);
    assert.equal(sent.contentVariables!['1'], 'Ana');
    const row = await db.message.findUniqueOrThrow({ where: { tenantId_commandId: { tenantId: cmd.tenantId, commandId: cmd.commandId } } });
    assert.match(row.body, /^Hi Ana, see you on/, 'the record keeps the text the patient reads');
  });

  it('refuses WhatsApp outside the window when the template has no approved version (63016), before calling Twilio', async () => {
    const cmd = command(numbered.tenantId, { channel: 'whatsapp' });
    const before = twilioServer.requests.length;
    assert.equal(await failure(send(cmd), ErrorType.ProviderPermanent), '63016');
    assert.equal(twilioServer.requests.length, before);
  });

  const permanent: [string, number, number, string][] = [
    ['opted-out recipient', 400, 21610, 'Attempt to send to unsubscribed recipient'],
    ['invalid number', 400, 21211, "The 'To' number is not a valid phone number."],
    ['landline', 400, 21614, "'To' number is not a valid mobile number"],
    ['unverified sender', 400, 21606, "The 'From' phone number provided is not a valid message-capable Twilio phone number for this destination/account"],
    ['WhatsApp template required', 400, 63016, 'Failed to send freeform message because you are outside the allowed window.'],
  ];
  for (const [what, status, code, message] of permanent) {
    it(`maps ${code} (${what}) to a permanent, non-retryable failure and records the failed message`, async () => {
      const cmd = command(service.tenantId);
      twilioServer.script(cmd.to, [{ status, code, message }]);
      assert.equal(await failure(send(cmd), ErrorType.ProviderPermanent), String(code));
      const row = await db.message.findUniqueOrThrow({ where: { tenantId_commandId: { tenantId: cmd.tenantId, commandId: cmd.commandId } } });
      assert.equal(row.status, 'failed');
      assert.equal(row.errorCode, String(code));
      assert.equal(row.providerMessageId, null);
      const contact = await db.contact.findUniqueOrThrow({ where: { tenantId_phone: { tenantId: cmd.tenantId, phone: cmd.to } }, include: { consents: true } });
      // Only an opted-out recipient changes consent: the carrier's word is recorded in the ledger.
      assert.equal(contact.optedOut, code === 21610);
      if (code === 21610) assert.deepEqual(contact.consents.map((c) => [c.change, c.source]), [['opt_out', 'provider']]);
    });
  }

  it("an opt-out confirmation refused as 21610 is no failure: Twilio's own opt-out handling already confirmed it", async () => {
    const cmd = command(service.tenantId, { urgency: 'consent', template: 'opt_out_ack' });
    twilioServer.script(cmd.to, [{ status: 400, code: 21610, message: 'Attempt to send to unsubscribed recipient' }]);
    const outcome = await send(cmd);
    assert.deepEqual(outcome, { status: 'refused', reason: 'opted_out', detail: 'Twilio already confirmed the opt-out (21610)' });
  });

  it('maps wrong credentials (20003) to a permanent failure', async () => {
    const { tenant } = await createTenant(db, { name: 'Wrong Token Clinic', timeZone: 'America/New_York' });
    await configureTwilio(db, cipher, tenant.id, { accountSid: service.account.accountSid, authToken: 'f'.repeat(32), messagingServiceSid: service.messagingServiceSid });
    assert.equal(await failure(send(command(tenant.id)), ErrorType.ProviderPermanent), '20003');
  });

  const transient: [string, 'hang' | { status: number; code: number; message: string }, string | undefined][] = [
    ['429 Too Many Requests', { status: 429, code: 20429, message: 'Too Many Requests' }, '20429'],
    ['500', { status: 500, code: 20500, message: 'Internal Server Error' }, '20500'],
    ['503', { status: 503, code: 20503, message: 'Service Unavailable' }, '20503'],
    ['a timeout', 'hang', 'ECONNABORTED'],
  ];
  for (const [what, answer, code] of transient) {
    it(`maps ${what} to a transient failure; the retry sends once`, async () => {
      const cmd = command(service.tenantId);
      twilioServer.script(cmd.to, [answer]);
      assert.equal(await failure(send(cmd), ErrorType.ProviderTransient), code);
      const retried = await send(cmd);
      assert.equal(retried.status, 'sent');
      assert.equal(twilioServer.sentTo(cmd.to).length, 1);
    });
  }

  it('a crash after Twilio accepted but before ARO recorded it: the retry finds the message and sends nothing', async () => {
    const cmd = command(service.tenantId);
    const crashing: MessagingProvider = {
      ...twilio,
      async send(message, tenant) {
        await twilio.send(message, tenant);
        throw new Error('worker process died before recording');
      },
    };
    await failure(send(cmd, { providers: { twilio: crashing } }), ErrorType.ProviderTransient);
    const pending = await db.message.findUniqueOrThrow({ where: { tenantId_commandId: { tenantId: cmd.tenantId, commandId: cmd.commandId } } });
    assert.equal(pending.status, 'pending', 'the command id was stored before the send');
    assert.equal(pending.providerMessageId, null);

    const listsBefore = twilioServer.requests.filter((r) => r.method === 'GET').length;
    const counted = async () => (await db.messageUsage.findMany({ where: { tenantId: cmd.tenantId } })).reduce((n, u) => n + u.messages, 0);
    const countedBefore = await counted();
    const outcome = await send(cmd);
    const sent = twilioServer.sentTo(cmd.to);
    assert.equal(sent.length, 1, 'sent exactly once');
    assert.equal(outcome.status === 'sent' && outcome.providerMessageId, sent[0].sid);
    assert.equal(twilioServer.requests.filter((r) => r.method === 'GET').length, listsBefore + 1, 'looked the message up first');
    assert.equal(await counted(), countedBefore + 1, 'counted once against the plan');
  });

  it('opens only its own tenant\'s credentials: a command for another tenant is refused', async () => {
    const cmd = command(numbered.tenantId);
    await assert.rejects(createSkillActivities(deps(), service.tenantId)['messaging.send'](cmd), (err: unknown) => {
      assert.ok(err instanceof ApplicationFailure);
      assert.equal(err.type, ErrorType.InvalidCommand);
      return true;
    });
    assert.equal(twilioServer.sentTo(cmd.to).length, 0);
  });

  it('counts messages and segments per month; warns at 80%, then holds routine messages but not a cancellation', async () => {
    const account = newAccount();
    twilioServer.addAccount(account);
    const tenantId = await clinic('Small Practice', account, { messagingServiceSid: randomSid('MG') });
    const planLimits = { ...DEFAULT_PLAN_LIMITS, individual: 5 };
    const routine = () => command(tenantId, { urgency: 'routine', template: 'reminder_final' });
    for (let i = 0; i < 5; i++) assert.equal((await send(routine(), { planLimits })).status, 'sent');
    const audit = () => db.auditEvent.findMany({ where: { tenantId }, orderBy: { at: 'asc' } });
    assert.deepEqual((await audit()).map((a) => a.action), ['usage.soft_limit']);

    const held = await send(routine(), { planLimits });
    assert.equal(held.status, 'refused');
    assert.equal(held.status === 'refused' && held.reason, 'plan_limit');
    const notice = await send(command(tenantId, { urgency: 'transactional', template: 'cancelled_notice' }), { planLimits });
    assert.equal(notice.status, 'sent', 'a cancellation notice still goes out');
    assert.equal((await send(routine(), { planLimits })).status, 'refused');
    assert.deepEqual((await audit()).map((a) => a.action), ['usage.soft_limit', 'usage.hard_limit'], 'each warning once a month');

    const [usage] = await db.messageUsage.findMany({ where: { tenantId } });
    assert.equal(usage.messages, 6);
    assert.equal(usage.segments, 6);
    assert.ok(usage.softLimitWarnedAt && usage.hardLimitReachedAt);
  });

  it('keeps credentials sealed at rest, bound to their tenant, and readable across a key rotation', async () => {
    const row = await db.providerCredential.findUniqueOrThrow({ where: { tenantId_provider: { tenantId: service.tenantId, provider: 'twilio' } } });
    assert.ok(!row.sealed.includes(service.account.authToken));
    assert.ok(!row.sealed.includes(Buffer.from(service.account.authToken).toString('base64')));
    assert.equal(row.keyId, cipher.currentKeyId);

    // Copied to another tenant's row, the sealed value does not open.
    await db.providerCredential.update({ where: { tenantId_provider: { tenantId: numbered.tenantId, provider: 'twilio' } }, data: { sealed: row.sealed } });
    await assert.rejects(openProviderCredentials(db, cipher, numbered.tenantId, 'twilio'), /does not authenticate/);
    await configureTwilio(db, cipher, numbered.tenantId, { ...numbered.account, from: numbered.from, whatsappFrom: numbered.whatsappFrom });

    // Rotation: the new key seals, the old one still opens until everything is re-sealed.
    const rotated = new CredentialCipher(randomBytes(32), [randomBytes(32), firstKey]);
    assert.deepEqual(await openProviderCredentials(db, rotated, service.tenantId, 'twilio'), service.account);
    const count = await resealProviderCredentials(db, rotated);
    assert.ok(count >= 2);
    assert.equal(await resealProviderCredentials(db, rotated), 0);
    await assert.rejects(openProviderCredentials(db, cipher, service.tenantId, 'twilio'), /neither ARO_SECRETS_KEY nor in ARO_SECRETS_PREVIOUS_KEYS/);
    assert.deepEqual(await openProviderCredentials(db, rotated, service.tenantId, 'twilio'), service.account);
    cipher = rotated;
  });
});
