// The hand-written migrations and their runner: applied and recorded as Prisma does, safe to rerun,
// refusing edited history, and matching prisma/schema.prisma exactly.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { applyMigrations, defaultMigrationsDir } from '../src/db/migrate';
import { databaseFacts, drift, expectedFacts } from './support/schema-drift';
import { startTestDatabase, type TestDatabase } from './support/servers';

const migrationsDir = defaultMigrationsDir();
const migrationNames = readdirSync(migrationsDir, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();
const schemaPath = join(migrationsDir, '..', 'schema.prisma');

describe('migrations', function () {
  let server: TestDatabase;
  let scratch: string;
  let databaseCount = 0;

  before(async function () {
    server = await startTestDatabase();
    scratch = mkdtempSync(join(tmpdir(), 'aro-migrations-'));
  });

  after(async function () {
    await server?.stop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  /** A new, empty database on the suite's server (the server's own one is already migrated). */
  async function emptyDatabase(): Promise<string> {
    const name = `fresh_${++databaseCount}`;
    await withClient(server.databaseUrl, (c) => c.query(`CREATE DATABASE ${name}`));
    const url = new URL(server.databaseUrl);
    url.pathname = `/${name}`;
    return url.toString();
  }

  /** A copy of the migrations directory that a test may change. */
  function copyOfMigrations(): string {
    const dir = join(scratch, `migrations-${++databaseCount}`);
    cpSync(migrationsDir, dir, { recursive: true });
    return dir;
  }

  it('applies every migration to an empty database and records it as prisma migrate deploy does', async function () {
    const url = await emptyDatabase();
    assert.deepEqual(await applyMigrations(url), migrationNames);

    const rows = await withClient(url, (c) =>
      c.query('SELECT * FROM "_prisma_migrations" ORDER BY "started_at"').then((r) => r.rows),
    );
    assert.deepEqual(
      rows.map((r) => r.migration_name),
      migrationNames,
    );
    for (const row of rows) {
      const file = readFileSync(join(migrationsDir, row.migration_name, 'migration.sql'));
      assert.equal(row.checksum, createHash('sha256').update(file).digest('hex'), `checksum of ${row.migration_name}`);
      assert.match(row.id, /^[0-9a-f-]{36}$/);
      assert.ok(row.finished_at instanceof Date, `${row.migration_name} has finished_at`);
      assert.equal(row.rolled_back_at, null);
      assert.equal(row.logs, null);
      assert.equal(row.applied_steps_count, 1);
    }

    // The bookkeeping table has Prisma's exact shape, so the real engine reads it as its own.
    const columns = await withClient(url, (c) =>
      c
        .query(
          `SELECT column_name, data_type, character_maximum_length AS len, is_nullable, column_default
           FROM information_schema.columns WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`,
        )
        .then((r) => r.rows.map((x) => [x.column_name, x.data_type, x.len, x.is_nullable, x.column_default].join(' '))),
    );
    assert.deepEqual(columns, [
      'id character varying 36 NO ',
      'checksum character varying 64 NO ',
      'finished_at timestamp with time zone  YES ',
      'migration_name character varying 255 NO ',
      'logs text  YES ',
      'rolled_back_at timestamp with time zone  YES ',
      'started_at timestamp with time zone  NO now()',
      'applied_steps_count integer  NO 0',
    ]);
  });

  it('does nothing when applied again', async function () {
    const url = await emptyDatabase();
    await applyMigrations(url);
    assert.deepEqual(await applyMigrations(url), []);
    const count = await withClient(url, (c) => c.query('SELECT count(*)::int AS n FROM "_prisma_migrations"'));
    assert.equal(count.rows[0].n, migrationNames.length);
  });

  it('lets only one of two concurrent runs apply the migrations', async function () {
    const url = await emptyDatabase();
    const results = await Promise.all([applyMigrations(url), applyMigrations(url)]);
    assert.deepEqual(results.map((r) => r.length).sort(), [0, migrationNames.length]);
  });

  it('refuses to run when an applied migration was edited afterwards', async function () {
    const url = await emptyDatabase();
    const dir = copyOfMigrations();
    await applyMigrations(url, dir);
    const first = migrationNames[0];
    appendFileSync(join(dir, first, 'migration.sql'), '\n-- an edit after the fact\n');
    await assert.rejects(applyMigrations(url, dir), (err: Error) => {
      assert.match(err.message, new RegExp(`migration ${first} was edited after it was applied`));
      assert.match(err.message, /checksum recorded [0-9a-f]{64}, file now [0-9a-f]{64}/);
      return true;
    });
  });

  it('takes a change of line endings (git autocrlf) for no edit, as Prisma does', async function () {
    const url = await emptyDatabase();
    const dir = copyOfMigrations();
    await applyMigrations(url, dir);
    const file = join(dir, migrationNames[0], 'migration.sql');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/\n/g, '\r\n'));
    assert.deepEqual(await applyMigrations(url, dir), []);
  });

  it('rolls a failing migration back whole and names it', async function () {
    const url = await emptyDatabase();
    const dir = copyOfMigrations();
    mkdirSync(join(dir, '29991231000000_broken'));
    writeFileSync(
      join(dir, '29991231000000_broken', 'migration.sql'),
      'CREATE TABLE "HalfDone" ("id" TEXT);\nSELECT no_such_function();\n',
    );
    await assert.rejects(applyMigrations(url, dir), /migration 29991231000000_broken failed and was rolled back: .*no_such_function/);
    await withClient(url, async (c) => {
      const recorded = await c.query('SELECT "migration_name" FROM "_prisma_migrations" ORDER BY "started_at"');
      assert.deepEqual(
        recorded.rows.map((r) => r.migration_name),
        migrationNames,
        'the earlier migrations stay applied, the broken one is not recorded',
      );
      const table = await c.query(`SELECT to_regclass('"HalfDone"') AS t`);
      assert.equal(table.rows[0].t, null, 'nothing of the broken migration remains');
    });
  });

  it('makes new clinics pooled and leaves every existing clinic on the executor it had', async function () {
    const url = await emptyDatabase();
    const dir = copyOfMigrations();
    const pooledByDefault = '20261129140000_pooled_by_default';
    rmSync(join(dir, pooledByDefault), { recursive: true });
    await applyMigrations(url, dir);
    /** A clinic stored by a writer that names its executor only when given one (else the column's default). */
    const insertTenant = (c: Client, id: string, executor?: string) =>
      c.query(
        `INSERT INTO "Tenant" ("id", "name", "timeZone", "policy", "webhookSecret", "channels", "updatedAt"${executor ? ', "executor"' : ''})
         VALUES ($1, 'Clinic', 'Europe/Madrid', '{}', 'whsec_x', '{}', now()${executor ? ', $2' : ''})`,
        executor ? [id, executor] : [id],
      );
    await withClient(url, async (c) => {
      await insertTenant(c, 't_before');
      await insertTenant(c, 't_left', 'leaving-dedicated');
    });
    assert.deepEqual(await applyMigrations(url), [pooledByDefault]);
    await withClient(url, async (c) => {
      await insertTenant(c, 't_after');
      const rows = await c.query('SELECT "id", "executor" FROM "Tenant" ORDER BY "id"');
      assert.deepEqual(rows.rows, [
        { id: 't_after', executor: 'pooled' },
        { id: 't_before', executor: 'dedicated' },
        { id: 't_left', executor: 'leaving-dedicated' },
      ]);
    });
  });

  it('keeps AuditEvent append-only, even against a tenant delete', async function () {
    await withClient(server.databaseUrl, async (c) => {
      await c.query(
        `INSERT INTO "Tenant" ("id", "name", "timeZone", "policy", "webhookSecret", "channels", "updatedAt")
         VALUES ('t_audit', 'Audit Clinic', 'Europe/Madrid', '{}', 'whsec_x', '{}', now())`,
      );
      await c.query(
        `INSERT INTO "AuditEvent" ("id", "tenantId", "actor", "action", "subject", "detail", "at")
         VALUES ('a1', 't_audit', 'staff', 'confirm', 'appt:t_audit:1', '{}', now())`,
      );
      for (const statement of [
        `UPDATE "AuditEvent" SET "action" = 'cancel'`,
        'DELETE FROM "AuditEvent"',
        'TRUNCATE "AuditEvent"',
        `DELETE FROM "Tenant" WHERE "id" = 't_audit'`,
      ]) {
        await assert.rejects(c.query(statement), (err: Error & { code?: string }) => {
          assert.match(err.message, /AuditEvent is append-only/, statement);
          assert.equal(err.code, '23001', statement);
          return true;
        });
      }
      const left = await c.query(`SELECT "action" FROM "AuditEvent" WHERE "id" = 'a1'`);
      assert.deepEqual(left.rows, [{ action: 'confirm' }]);
    });
  });

  describe('drift between prisma/schema.prisma and the migrations', function () {
    it('finds none: the migrated database is exactly what schema.prisma describes', async function () {
      const expected = expectedFacts(readFileSync(schemaPath, 'utf8'));
      const actual = await withClient(server.databaseUrl, databaseFacts);
      const { missing, unexpected } = drift(expected, actual);
      assert.ok(
        missing.length === 0 && unexpected.length === 0,
        'prisma/schema.prisma and prisma/migrations disagree; write a migration for the schema change.\n' +
          `In schema.prisma, not in the database:\n  ${missing.join('\n  ') || '-'}\n` +
          `In the database, not in schema.prisma:\n  ${unexpected.join('\n  ') || '-'}`,
      );
    });

    it('would notice a field added to schema.prisma without a migration', async function () {
      const schema = readFileSync(schemaPath, 'utf8').replace(/^model Contact \{$/m, 'model Contact {\n  nickname String?');
      const actual = await withClient(server.databaseUrl, databaseFacts);
      assert.deepEqual(drift(expectedFacts(schema), actual), {
        missing: ['column Contact.nickname text'],
        unexpected: [],
      });
    });
  });
});

async function withClient<T>(databaseUrl: string, use: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}
