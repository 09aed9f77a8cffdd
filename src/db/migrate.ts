// Applies prisma/migrations to a database and records them exactly as `prisma migrate deploy` does.
//
// Prisma's schema engine (which runs `migrate deploy`) is a binary we cannot download here, so this
// runner stands in for it. It writes the same `_prisma_migrations` rows (same table, SHA-256 of
// migration.sql as the checksum), takes the same advisory lock, and so a machine with the real engine
// sees these migrations as applied, and the two never migrate one database at the same time.
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Client } from 'pg';

/** The key of Prisma's own migration advisory lock (pg_advisory_lock(72707369) in the schema engine). */
const PRISMA_MIGRATION_LOCK_KEY = 72707369;

const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                  VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"            VARCHAR(64) NOT NULL,
    "finished_at"         TIMESTAMPTZ,
    "migration_name"      VARCHAR(255) NOT NULL,
    "logs"                TEXT,
    "rolled_back_at"      TIMESTAMPTZ,
    "started_at"          TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

interface LocalMigration {
  name: string;
  sql: string;
  /** SHA-256 of the file as it is: what gets recorded. */
  checksum: string;
  /**
   * Checksums that count as "unchanged", as in Prisma's engine: the file as it is, with CRLF made LF,
   * and with LF made CRLF, so that a checkout with other line ends (git autocrlf) is not an edit.
   */
  accepted: Set<string>;
}

interface AppliedMigration {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

/**
 * The repository's prisma/migrations, found by walking up from this file so that it resolves the
 * same from src/db (ts-node, tests) and from dist/src/db (compiled).
 */
export function defaultMigrationsDir(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const candidate = join(dir, 'prisma', 'migrations');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) throw new Error(`no prisma/migrations directory found above ${__dirname}`);
  }
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Reads the migrations in the order Prisma applies them: by directory name. */
function readLocalMigrations(migrationsDir: string): LocalMigration[] {
  const lockFile = join(migrationsDir, 'migration_lock.toml');
  if (!existsSync(lockFile)) throw new Error(`${lockFile} is missing: is ${migrationsDir} a Prisma migrations directory?`);
  // Prisma refuses migrations written for another database; so do we.
  const provider = /^\s*provider\s*=\s*"([^"]*)"/m.exec(readFileSync(lockFile, 'utf8'))?.[1];
  if (provider !== 'postgresql') {
    throw new Error(`${lockFile}: provider is ${JSON.stringify(provider)}, expected "postgresql"`);
  }

  return readdirSync(migrationsDir)
    .filter((name) => statSync(join(migrationsDir, name)).isDirectory())
    .sort()
    .map((name) => {
      const file = join(migrationsDir, name, 'migration.sql');
      if (!existsSync(file)) throw new Error(`migration ${name} has no migration.sql (expected ${file})`);
      const sql = readFileSync(file, 'utf8');
      const checksum = sha256Hex(sql);
      const accepted = new Set([checksum, sha256Hex(sql.replace(/\r\n/g, '\n')), sha256Hex(sql.replace(/\n/g, '\r\n'))]);
      return { name, sql, checksum, accepted };
    });
}

/** Refuses to go on when the recorded history and the files disagree; returns what is left to apply. */
function pendingMigrations(local: LocalMigration[], applied: AppliedMigration[]): LocalMigration[] {
  const byName = new Map(local.map((m) => [m.name, m]));
  const done = new Set<string>();
  for (const row of applied) {
    // Prisma re-applies a migration that was marked rolled back; it is not part of the history.
    if (row.rolled_back_at !== null) continue;
    if (row.finished_at === null) {
      throw new Error(
        `migration ${row.migration_name} started earlier and never finished; repair the database by hand, ` +
          `then mark it with \`prisma migrate resolve --rolled-back ${row.migration_name}\` (or --applied)`,
      );
    }
    const file = byName.get(row.migration_name);
    if (file === undefined) {
      throw new Error(
        `migration ${row.migration_name} is applied to the database but missing from the migrations directory: ` +
          'is this code older than the database?',
      );
    }
    if (!file.accepted.has(row.checksum)) {
      throw new Error(
        `migration ${row.migration_name} was edited after it was applied: checksum recorded ${row.checksum}, ` +
          `file now ${file.checksum}. Restore the file and put the change in a new migration.`,
      );
    }
    done.add(row.migration_name);
  }
  return local.filter((m) => !done.has(m.name));
}

/** Runs one migration and its bookkeeping row in one transaction, so a failure leaves no trace. */
async function applyOne(client: Client, migration: LocalMigration): Promise<void> {
  await client.query('BEGIN');
  try {
    const id = randomUUID();
    await client.query(
      'INSERT INTO "_prisma_migrations" ("id", "checksum", "migration_name", "started_at") VALUES ($1, $2, $3, now())',
      [id, migration.checksum, migration.name],
    );
    await client.query(migration.sql);
    await client.query(
      'UPDATE "_prisma_migrations" SET "finished_at" = clock_timestamp(), "applied_steps_count" = 1 WHERE "id" = $1',
      [id],
    );
    await client.query('COMMIT');
  } catch (err) {
    // A failed ROLLBACK means the connection is gone, which also discards the transaction; the
    // migration's own error is the one worth reporting.
    await client.query('ROLLBACK').catch(() => undefined);
    throw new Error(`migration ${migration.name} failed and was rolled back: ${(err as Error).message}`, { cause: err });
  }
}

/** Applies every pending migration; returns the names applied (empty when the database is up to date). */
export async function applyMigrations(databaseUrl: string, migrationsDir = defaultMigrationsDir()): Promise<string[]> {
  const local = readLocalMigrations(migrationsDir);
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    // Session lock: a second process waits here, then finds nothing left to apply.
    await client.query('SELECT pg_advisory_lock($1)', [PRISMA_MIGRATION_LOCK_KEY]);
    try {
      await client.query(CREATE_MIGRATIONS_TABLE);
      const applied = await client.query<AppliedMigration>(
        'SELECT "migration_name", "checksum", "finished_at", "rolled_back_at" FROM "_prisma_migrations" ORDER BY "started_at"',
      );
      const pending = pendingMigrations(local, applied.rows);
      for (const migration of pending) await applyOne(client, migration);
      return pending.map((m) => m.name);
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [PRISMA_MIGRATION_LOCK_KEY]);
    }
  } finally {
    await client.end();
  }
}

if (require.main === module) {
  const databaseUrl = process.env.DATABASE_URL;
  if (databaseUrl === undefined || databaseUrl.length === 0) {
    process.stderr.write('DATABASE_URL is not set: it names the database to migrate\n');
    process.exit(2);
  }
  applyMigrations(databaseUrl).then(
    (names) => {
      process.stdout.write(names.length === 0 ? 'database is up to date\n' : names.map((n) => `applied ${n}\n`).join(''));
    },
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
