// `aro tenant create|list`: onboarding a clinic (its API key and webhook secret are shown once) and listing tenants.
import { parseArgs } from 'node:util';
import { createPrisma, type Db } from '../../db/prisma';
import { createTenant } from '../../tenants/create-tenant';
import { formatUsage, UsageError, type CliCommand } from '../command';
import { resolveDatabaseUrl } from '../database-url';

const USAGE = [
  'aro tenant create --name <name> --timezone <IANA zone> [--locale <locale>] [--id <id>] [--json]',
  'aro tenant list [--json]',
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
  const input = { name: values.name, timeZone: values.timezone, defaultLocale: values.locale, id: values.id };

  const { tenant, apiKey, webhookSecret } = await withDatabase((db) => createTenant(db, input));
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ id: tenant.id, apiKey, webhookSecret, name: tenant.name, timeZone: tenant.timeZone })}\n`);
    return;
  }
  process.stdout.write(
    [
      `Created tenant ${tenant.id}: ${tenant.name} (${tenant.timeZone}, locale ${tenant.defaultLocale}).`,
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
      select: { id: true, name: true, timeZone: true, defaultLocale: true, createdAt: true },
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
  const rows = [['ID', 'NAME', 'TIME ZONE', 'LOCALE', 'CREATED']].concat(
    tenants.map((t) => [t.id, t.name, t.timeZone, t.defaultLocale, t.createdAt.toISOString()]),
  );
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  process.stdout.write(rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd()).join('\n') + '\n');
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
      case '--help':
      case '-h':
        process.stdout.write(formatUsage(USAGE));
        return;
      case undefined:
        throw new UsageError('tenant needs a subcommand: create or list', USAGE);
      default:
        throw new UsageError(`unknown tenant subcommand "${subcommand}"`, USAGE);
    }
  },
};
