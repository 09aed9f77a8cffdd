// Creating tenants, directly and through the operator CLI, against a real migrated PostgreSQL.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { resolveDatabaseUrl } from '../src/cli/database-url';
import { createPrisma, type Db } from '../src/db/prisma';
import { defaultTemplates } from '../src/domain/default-templates';
import { defaultPolicy, parsePolicy } from '../src/domain/policy';
import { CredentialCipher } from '../src/secrets/credential-cipher';
import { openProviderCredentials } from '../src/secrets/provider-credentials';
import { hashApiKey } from '../src/tenants/api-keys';
import { createTenant, TenantInputError } from '../src/tenants/create-tenant';
import { startTestDatabase, type TestDatabase } from './support/servers';

const execFileAsync = promisify(execFile);
const CLI = join(__dirname, '..', 'src', 'cli', 'aro.js');

describe('tenants', function () {
  let server: TestDatabase;
  let db: Db;

  before(async function () {
    server = await startTestDatabase();
    db = createPrisma(server.databaseUrl);
  });

  after(async function () {
    await db?.$disconnect();
    await server?.stop();
  });

  describe('createTenant', function () {
    it('stores the tenant with only a hash of its API key, the default policy and the en and es templates', async function () {
      const created = await createTenant(db, { name: '  Sunrise Clinic ', timeZone: 'Europe/Madrid', defaultLocale: 'es' });
      assert.match(created.tenant.id, /^t_[0-9a-f]{16}$/);
      assert.deepEqual(created.tenant, { id: created.tenant.id, name: 'Sunrise Clinic', timeZone: 'Europe/Madrid', defaultLocale: 'es', executor: 'pooled' });
      assert.match(created.apiKey, /^aro_[A-Za-z0-9_-]{43}$/);
      assert.match(created.webhookSecret, /^whsec_[0-9a-f]{64}$/);

      const stored = await db.tenant.findUniqueOrThrow({
        where: { id: created.tenant.id },
        include: { apiKeys: true, templates: true },
      });
      assert.equal(stored.webhookSecret, created.webhookSecret);
      assert.deepEqual(stored.policy, defaultPolicy());
      assert.deepEqual(parsePolicy(stored.policy), defaultPolicy());
      assert.equal(stored.policyVersion, defaultPolicy().version);
      assert.deepEqual(stored.channels, { provider: 'dev' });

      assert.equal(stored.apiKeys.length, 1);
      assert.equal(stored.apiKeys[0].name, 'default');
      assert.equal(stored.apiKeys[0].keyHash, hashApiKey(created.apiKey));
      assert.equal(stored.apiKeys[0].revokedAt, null);
      assert.ok(!JSON.stringify(stored).includes(created.apiKey), 'the API key itself is stored nowhere');

      const templates = (list: { kind: string; locale: string; channel: string; body: string }[]): string[] =>
        list.map((t) => `${t.locale} ${t.channel} ${t.kind}: ${t.body}`).sort();
      assert.deepEqual(templates(stored.templates), templates(defaultTemplates()));
      assert.deepEqual([...new Set(stored.templates.map((t) => t.locale))].sort(), ['en', 'es']);
    });

    it('defaults the locale to en, takes a chosen id, and gives each tenant its own secrets', async function () {
      const first = await createTenant(db, { name: 'Demo Clinic', timeZone: 'America/New_York', id: 'demo-clinic' });
      const second = await createTenant(db, { name: 'Other Clinic', timeZone: 'America/New_York' });
      assert.equal(first.tenant.id, 'demo-clinic');
      assert.equal(first.tenant.defaultLocale, 'en');
      assert.equal((await db.tenant.findUniqueOrThrow({ where: { id: 'demo-clinic' } })).defaultLocale, 'en');
      assert.notEqual(first.apiKey, second.apiKey);
      assert.notEqual(first.webhookSecret, second.webhookSecret);
    });

    it('puts a new clinic in a pool unless it asks for its own queue', async function () {
      const pooled = await createTenant(db, { name: 'Pooled Clinic', timeZone: 'Europe/Madrid' });
      const dedicated = await createTenant(db, { name: 'Dedicated Clinic', timeZone: 'Europe/Madrid', executor: 'dedicated' });
      assert.equal((await db.tenant.findUniqueOrThrow({ where: { id: pooled.tenant.id } })).executor, 'pooled');
      assert.equal((await db.tenant.findUniqueOrThrow({ where: { id: dedicated.tenant.id } })).executor, 'dedicated');
    });

    it('refuses a time zone that is not an IANA zone, naming timeZone, and stores nothing', async function () {
      const before = [await db.tenant.count(), await db.template.count(), await db.apiKey.count()];
      await assert.rejects(createTenant(db, { name: 'Mars Clinic', timeZone: 'Mars/Olympus_Mons' }), (err: unknown) => {
        assert.ok(err instanceof TenantInputError);
        assert.equal(err.field, 'timeZone');
        assert.match(err.message, /^timeZone: "Mars\/Olympus_Mons" is not an IANA time zone/);
        return true;
      });
      assert.deepEqual([await db.tenant.count(), await db.template.count(), await db.apiKey.count()], before);
    });

    for (const [input, field] of [
      [{ name: '   ', timeZone: 'Europe/Madrid' }, 'name'],
      [{ name: 'Clinic', timeZone: 'Europe/Madrid', defaultLocale: 'spanish' }, 'defaultLocale'],
      [{ name: 'Clinic', timeZone: 'Europe/Madrid', id: 'has:colon' }, 'id'],
    ] as const) {
      it(`refuses a bad ${field}, naming it`, async function () {
        await assert.rejects(createTenant(db, input), (err: unknown) => {
          assert.ok(err instanceof TenantInputError);
          assert.equal(err.field, field);
          assert.ok(err.message.startsWith(`${field}: `), err.message);
          return true;
        });
      });
    }

    it('accepts a locale with a region such as pt-BR, and stores the canonical spelling of the time zone', async function () {
      const created = await createTenant(db, { name: 'Clínica', timeZone: 'america/sao_paulo', defaultLocale: 'pt-BR' });
      assert.equal(created.tenant.defaultLocale, 'pt-BR');
      assert.equal(created.tenant.timeZone, 'America/Sao_Paulo');
      assert.equal((await db.tenant.findUniqueOrThrow({ where: { id: created.tenant.id } })).timeZone, 'America/Sao_Paulo');
    });
  });

  describe('the operator CLI', function () {
    // Fails loudly when the CLI exits non-zero; returns its output otherwise.
    const aro = (args: string[]) =>
      execFileAsync(process.execPath, [CLI, ...args], { env: { ...process.env, DATABASE_URL: server.databaseUrl } });
    // Resolves with the exit status and output of a run expected to fail.
    const aroFailing = (args: string[]) =>
      aro(args).then(
        () => assert.fail(`aro ${args.join(' ')} succeeded`),
        (err: { code: number; stdout: string; stderr: string }) => err,
      );

    it('creates a tenant and prints its id, API key and webhook secret as JSON', async function () {
      const { stdout } = await aro(['tenant', 'create', '--name', 'CLI Clinic', '--timezone', 'Europe/Madrid', '--locale', 'es', '--json']);
      const printed = JSON.parse(stdout) as Record<string, string>;
      assert.deepEqual(Object.keys(printed).sort(), ['apiKey', 'executor', 'id', 'name', 'timeZone', 'webhookSecret']);
      assert.equal(printed.name, 'CLI Clinic');
      assert.equal(printed.timeZone, 'Europe/Madrid');
      assert.equal(printed.executor, 'pooled');
      const stored = await db.tenant.findUniqueOrThrow({ where: { id: printed.id }, include: { apiKeys: true } });
      assert.equal(stored.defaultLocale, 'es');
      assert.equal(stored.executor, 'pooled');
      assert.equal(stored.webhookSecret, printed.webhookSecret);
      assert.equal(stored.apiKeys[0].keyHash, hashApiKey(printed.apiKey));

      const listed = JSON.parse((await aro(['tenant', 'list', '--json'])).stdout) as { id: string }[];
      assert.ok(listed.some((t) => t.id === printed.id), 'tenant list --json shows the new tenant');
      assert.match((await aro(['tenant', 'list'])).stdout, new RegExp(`^${printed.id}\\s+CLI Clinic\\s+Europe/Madrid\\s+es\\s+pooled\\s`, 'm'));
    });

    it('creates a clinic with its own queue on --dedicated, and refuses --dedicated with --pooled', async function () {
      const { stdout } = await aro(['tenant', 'create', '--name', 'Own Queue Clinic', '--timezone', 'Europe/Madrid', '--dedicated', '--json']);
      const printed = JSON.parse(stdout) as Record<string, string>;
      assert.equal(printed.executor, 'dedicated');
      assert.equal((await db.tenant.findUniqueOrThrow({ where: { id: printed.id } })).executor, 'dedicated');
      assert.match((await aro(['tenant', 'list'])).stdout, new RegExp(`^${printed.id}\\s+Own Queue Clinic\\s+Europe/Madrid\\s+en\\s+dedicated\\s`, 'm'));

      const count = await db.tenant.count();
      const { code, stderr } = await aroFailing(['tenant', 'create', '--name', 'Both', '--timezone', 'Europe/Madrid', '--dedicated', '--pooled']);
      assert.equal(code, 2);
      assert.match(stderr, /^aro: give --dedicated or --pooled, not both\nusage: aro tenant /);
      assert.equal(await db.tenant.count(), count);
    });

    it('exits with 1 and the validation error for an unknown time zone', async function () {
      const { code, stdout, stderr } = await aroFailing(['tenant', 'create', '--name', 'X', '--timezone', 'Europe/Atlantis']);
      assert.equal(code, 1);
      assert.equal(stdout, '');
      assert.match(stderr, /^aro: timeZone: "Europe\/Atlantis" is not an IANA time zone/);
    });

    it('connects a Twilio account with the token from the environment, sealed; sets WhatsApp templates and the plan; re-seals after a key rotation', async function () {
      const { tenant } = await createTenant(db, { name: 'Twilio Clinic', timeZone: 'America/New_York' });
      const oldKey = randomBytes(32).toString('base64');
      const token = randomBytes(16).toString('hex');
      const accountSid = `AC${randomBytes(16).toString('hex')}`;
      const env = { ...process.env, DATABASE_URL: server.databaseUrl, ARO_SECRETS_KEY: oldKey, TWILIO_AUTH_TOKEN: token };
      const run = (args: string[], extra: NodeJS.ProcessEnv = {}) => execFileAsync(process.execPath, [CLI, ...args], { env: { ...env, ...extra } });
      const { stdout } = await run(['tenant', 'twilio', '--id', tenant.id, '--account-sid', accountSid, '--from', '+15005550006', '--rate', '5']);
      assert.ok(!stdout.includes(token));
      const stored = await db.tenant.findUniqueOrThrow({ where: { id: tenant.id }, include: { credentials: true } });
      assert.deepEqual(stored.channels, { provider: 'twilio', twilio: { from: '+15005550006' }, maxActivitiesPerSecond: 5 });
      assert.ok(!JSON.stringify(stored).includes(token), 'the token is stored sealed only');

      await run(['tenant', 'whatsapp-template', '--id', tenant.id, '--kind', 'reminder_confirm', '--locale', 'en', '--content-sid', `HX${'0'.repeat(32)}`, '--variables', '1=name,2=date']);
      const template = await db.template.findUniqueOrThrow({
        where: { tenantId_kind_locale_channel: { tenantId: tenant.id, kind: 'reminder_confirm', locale: 'en', channel: 'whatsapp' } },
      });
      assert.deepEqual(template.contentVariables, { '1': 'name', '2': 'date' });
      assert.match(template.body, /Reply YES to confirm/, 'the text starts from the SMS one');
      await run(['tenant', 'plan', '--id', tenant.id, '--plan', 'business']);
      assert.equal((await db.tenant.findUniqueOrThrow({ where: { id: tenant.id } })).plan, 'business');

      const newKey = randomBytes(32).toString('base64');
      const resealed = await run(['secrets', 'reseal'], { ARO_SECRETS_KEY: newKey, ARO_SECRETS_PREVIOUS_KEYS: oldKey });
      assert.match(resealed.stdout, /^Re-sealed \d+ credential\(s\)/);
      const opened = await openProviderCredentials(db, new CredentialCipher(Buffer.from(newKey, 'base64')), tenant.id, 'twilio');
      assert.deepEqual(opened, { accountSid, authToken: token });
    });

    it('refuses a Twilio token on the command line: it must come from TWILIO_AUTH_TOKEN', async function () {
      const { code, stderr } = await aroFailing(['tenant', 'twilio', '--id', 't_x', '--account-sid', 'AC1', '--auth-token', 'secret']);
      assert.equal(code, 2);
      assert.match(stderr, /Unknown option '--auth-token'/);
    });

    for (const args of [[], ['bogus'], ['tenant'], ['tenant', 'create', '--timezone', 'Europe/Madrid'], ['tenant', 'list', '--bogus']]) {
      it(`exits with 2 and the usage for \`aro ${args.join(' ')}\``, async function () {
        const { code, stderr } = await aroFailing(args);
        assert.equal(code, 2);
        assert.match(stderr, /^aro: .+\nusage: aro tenant /);
      });
    }
  });

  describe('the CLI database', function () {
    let dir: string;
    before(() => (dir = mkdtempSync(join(tmpdir(), 'aro-cli-'))));
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('is DATABASE_URL when set, else the one in the dev state file, else an error saying what to do', function () {
      const stateFile = join(dir, 'dev.json');
      assert.throws(() => resolveDatabaseUrl({}, stateFile), /set DATABASE_URL, or start `npm run dev`/);
      writeFileSync(stateFile, JSON.stringify({ databaseUrl: 'postgresql://dev@127.0.0.1:1/aro' }));
      assert.equal(resolveDatabaseUrl({}, stateFile), 'postgresql://dev@127.0.0.1:1/aro');
      assert.equal(resolveDatabaseUrl({ DATABASE_URL: 'postgresql://env/aro' }, stateFile), 'postgresql://env/aro');
      writeFileSync(stateFile, '{}');
      assert.throws(() => resolveDatabaseUrl({}, stateFile), /has no "databaseUrl"/);
    });
  });
});
