// `aro tenant create|list|twilio|whatsapp-template|plan|executor`: onboarding a clinic (its API key and
// webhook secret are shown once), listing tenants, connecting a clinic's Twilio account, its approved
// WhatsApp templates, choosing its plan and where its skills run (its own queue or a pool). Every
// change is audited as the operator's (no secrets).
import { parseArgs } from 'node:util';
import { loadConfig } from '../../config';
import { createPrisma, type Db } from '../../db/prisma';
import { PLANS } from '../../domain/plan-limits';
import { credentialCipher } from '../../secrets/credential-cipher';
import { createTenant } from '../../tenants/create-tenant';
import { auditSettingsChange, cliActor } from '../../tenants/settings-audit';
import { changeTenantExecutor } from '../../tenants/tenant-executor';
import { configureTwilio } from '../../tenants/twilio-setup';
import { setWhatsappTemplate } from '../../tenants/whatsapp-templates';
import { formatUsage, UsageError, type CliCommand } from '../command';
import { resolveDatabaseUrl } from '../database-url';

const USAGE = [
  'aro tenant create --name <name> --timezone <IANA zone> [--locale <locale>] [--id <id>] [--dedicated | --pooled] [--json]',
  '    (a new clinic is pooled: its skills run on a shared pool queue; --dedicated gives it its own queue)',
  'aro tenant list [--json]',
  'aro tenant twilio --id <id> --account-sid <AC...> (--messaging-service-sid <MG...> | --from <+E.164>) [--whatsapp-from <+E.164>] [--rate <messages/s>]',
  '    (the auth token is read from TWILIO_AUTH_TOKEN, never from the command line; ARO_SECRETS_KEY seals it)',
  'aro tenant whatsapp-template --id <id> --kind <kind> --locale <locale> --content-sid <HX...> --variables 1=name,2=date,3=time [--body <text>]',
  `aro tenant plan --id <id> --plan <${PLANS.join('|')}>`,
  'aro tenant executor --id <id> (--dedicated | --pooled | --release-dedicated-queue)',
  '    (--pooled moves new appointments to a shared pool queue; the tenant\'s own queue stays served for the',
  '    appointments booked before, until --release-dedicated-queue once they have ended)',
].join('\n');

/** Runs node:util's parseArgs, turning its complaints about the command line into usage errors. */
function parsed<T>(parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    throw new UsageError((err as Error).message, USAGE);
  }
}

async function withDatabase<T>(use: (db: Db) => Promise<T>): Promise<T> {
  const db = createPrisma(resolveDatabaseUrl());
  try {
    return await use(db);
  } finally {
    await db.$disconnect();
  }
}

async function create(args: string[]): Promise<void> {
  const { values } = parsed(() =>
    parseArgs({
      args,
      options: {
        name: { type: 'string' },
        timezone: { type: 'string' },
        locale: { type: 'string' },
        id: { type: 'string' },
        dedicated: { type: 'boolean' },
        pooled: { type: 'boolean' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }),
  );
  if (values.help) {
    process.stdout.write(formatUsage(USAGE));
    return;
  }
  if (values.name === undefined) throw new UsageError('--name is required', USAGE);
  if (values.timezone === undefined) throw new UsageError('--timezone is required', USAGE);
  if (values.dedicated && values.pooled) throw new UsageError('give --dedicated or --pooled, not both', USAGE);
  const executor = values.dedicated ? 'dedicated' : 'pooled';
  const input = { name: values.name, timeZone: values.timezone, defaultLocale: values.locale, id: values.id, executor } as const;

  const { tenant, apiKey, webhookSecret } = await withDatabase(async (db) => {
    const created = await createTenant(db, input);
    const { id, name, timeZone, defaultLocale } = created.tenant;
    await auditSettingsChange(db, {
      tenantId: id,
      actor: cliActor(),
      action: 'settings.tenant_created',
      subject: `tenant:${id}`,
      detail: { name, timeZone, defaultLocale, executor },
    });
    return created;
  });
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ id: tenant.id, apiKey, webhookSecret, name: tenant.name, timeZone: tenant.timeZone, executor })}\n`);
    return;
  }
  process.stdout.write(
    [
      `Created tenant ${tenant.id}: ${tenant.name} (${tenant.timeZone}, locale ${tenant.defaultLocale}, ${executor}).`,
      'Store these now; they are not shown again:',
      `  API key         ${apiKey}`,
      `  Webhook secret  ${webhookSecret}`,
      '',
    ].join('\n'),
  );
}

async function list(args: string[]): Promise<void> {
  const { values } = parsed(() =>
    parseArgs({ args, options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } }),
  );
  if (values.help) {
    process.stdout.write(formatUsage(USAGE));
    return;
  }
  const tenants = await withDatabase((db) =>
    db.tenant.findMany({
      select: { id: true, name: true, timeZone: true, defaultLocale: true, executor: true, createdAt: true },
      orderBy: { createdAt: 'asc' },
    }),
  );
  if (values.json) {
    process.stdout.write(`${JSON.stringify(tenants)}\n`);
    return;
  }
  if (tenants.length === 0) {
    process.stdout.write('No tenants yet. Create one with: aro tenant create --name <name> --timezone <IANA zone>\n');
    return;
  }
  const rows = [['ID', 'NAME', 'TIME ZONE', 'LOCALE', 'EXECUTOR', 'CREATED']].concat(
    tenants.map((t) => [t.id, t.name, t.timeZone, t.defaultLocale, t.executor, t.createdAt.toISOString()]),
  );
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  process.stdout.write(rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd()).join('\n') + '\n');
}

async function twilio(args: string[]): Promise<void> {
  const { values } = parsed(() =>
    parseArgs({
      args,
      options: {
        id: { type: 'string' },
        'account-sid': { type: 'string' },
        'messaging-service-sid': { type: 'string' },
        from: { type: 'string' },
        'whatsapp-from': { type: 'string' },
        rate: { type: 'string' },
      },
    }),
  );
  if (values.id === undefined) throw new UsageError('--id is required', USAGE);
  if (values['account-sid'] === undefined) throw new UsageError('--account-sid is required', USAGE);
  // A token on the command line would sit in shell history and the process list.
  const authToken = process.env.TWILIO_AUTH_TOKEN;
  if (!authToken) throw new UsageError('TWILIO_AUTH_TOKEN must hold the account\'s auth token', USAGE);
  const rate = values.rate === undefined ? undefined : Number(values.rate);
  const cipher = credentialCipher(loadConfig());
  const senders = { messagingServiceSid: values['messaging-service-sid'], from: values.from, whatsappFrom: values['whatsapp-from'] };
  await withDatabase(async (db) => {
    await configureTwilio(db, cipher, values.id!, { accountSid: values['account-sid']!, authToken, ...senders, maxMessagesPerSecond: rate });
    await auditSettingsChange(db, {
      tenantId: values.id!,
      actor: cliActor(),
      action: 'settings.twilio_configured',
      subject: `tenant:${values.id}`,
      // The account SID names the account; the auth token is never recorded.
      detail: { accountSid: values['account-sid'], ...senders, maxMessagesPerSecond: rate ?? null },
    });
  });
  process.stdout.write(`Tenant ${values.id} now sends through Twilio account ${values['account-sid']}.\n`);
}

async function whatsappTemplate(args: string[]): Promise<void> {
  const { values } = parsed(() =>
    parseArgs({
      args,
      options: {
        id: { type: 'string' },
        kind: { type: 'string' },
        locale: { type: 'string' },
        'content-sid': { type: 'string' },
        variables: { type: 'string' },
        body: { type: 'string' },
      },
    }),
  );
  for (const option of ['id', 'kind', 'locale', 'content-sid', 'variables'] as const) {
    if (values[option] === undefined) throw new UsageError(`--${option} is required`, USAGE);
  }
  const variables: Record<string, string> = {};
  for (const pair of values.variables!.split(',')) {
    const [placeholder, variable] = pair.split('=').map((p) => p.trim());
    if (!placeholder || !variable) throw new UsageError(`--variables: "${pair}" is not <number>=<variable>`, USAGE);
    variables[placeholder] = variable;
  }
  const template = { kind: values.kind!, locale: values.locale!, contentSid: values['content-sid']!, variables, body: values.body };
  await withDatabase(async (db) => {
    await setWhatsappTemplate(db, values.id!, template);
    await auditSettingsChange(db, {
      tenantId: values.id!,
      actor: cliActor(),
      action: 'settings.whatsapp_template_set',
      subject: `template:${template.kind}/${template.locale}/whatsapp`,
      detail: template,
    });
  });
  process.stdout.write(`Tenant ${values.id} sends ${values.kind} (${values.locale}) on WhatsApp as ${values['content-sid']} outside a session.\n`);
}

async function plan(args: string[]): Promise<void> {
  const { values } = parsed(() => parseArgs({ args, options: { id: { type: 'string' }, plan: { type: 'string' } } }));
  if (values.id === undefined) throw new UsageError('--id is required', USAGE);
  if (!(PLANS as readonly (string | undefined)[]).includes(values.plan)) throw new UsageError(`--plan must be one of ${PLANS.join(', ')}`, USAGE);
  await withDatabase(async (db) => {
    const current = await db.tenant.findUnique({ where: { id: values.id }, select: { plan: true } });
    if (!current) throw new Error(`no tenant with id "${values.id}"`);
    await db.$transaction(async (tx) => {
      await tx.tenant.update({ where: { id: values.id }, data: { plan: values.plan } });
      await auditSettingsChange(tx, {
        tenantId: values.id!,
        actor: cliActor(),
        action: 'settings.plan_changed',
        subject: `tenant:${values.id}`,
        detail: { plan: { from: current.plan, to: values.plan } },
      });
    });
  });
  process.stdout.write(`Tenant ${values.id} is on the ${values.plan} plan.\n`);
}

async function executor(args: string[]): Promise<void> {
  const { values } = parsed(() =>
    parseArgs({
      args,
      options: { id: { type: 'string' }, dedicated: { type: 'boolean' }, pooled: { type: 'boolean' }, 'release-dedicated-queue': { type: 'boolean' } },
    }),
  );
  if (values.id === undefined) throw new UsageError('--id is required', USAGE);
  const requests = (['dedicated', 'pooled', 'release-dedicated-queue'] as const).filter((request) => values[request]);
  if (requests.length !== 1) throw new UsageError('give one of --dedicated, --pooled, --release-dedicated-queue', USAGE);
  const now = await withDatabase((db) => changeTenantExecutor(db, values.id!, requests[0], cliActor()));
  const meaning = {
    dedicated: 'its skills run on its own task queue',
    pooled: 'its skills run in a shared pool queue',
    'leaving-dedicated': 'new appointments run in a shared pool queue; its own queue stays served until --release-dedicated-queue',
  }[now];
  process.stdout.write(`Tenant ${values.id} is ${now}: ${meaning}.\n`);
}

export const tenantCommand: CliCommand = {
  name: 'tenant',
  usage: USAGE,
  async run([subcommand, ...args]: string[]): Promise<void> {
    switch (subcommand) {
      case 'create':
        return create(args);
      case 'list':
        return list(args);
      case 'twilio':
        return twilio(args);
      case 'whatsapp-template':
        return whatsappTemplate(args);
      case 'plan':
        return plan(args);
      case 'executor':
        return executor(args);
      case '--help':
      case '-h':
        process.stdout.write(formatUsage(USAGE));
        return;
      case undefined:
        throw new UsageError('tenant needs a subcommand: create, list, twilio, whatsapp-template, plan or executor', USAGE);
      default:
        throw new UsageError(`unknown tenant subcommand "${subcommand}"`, USAGE);
    }
  },
};
