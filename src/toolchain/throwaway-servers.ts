// Throwaway real servers for the tests and the benchmarks, each on fresh ports and (for PostgreSQL) a
// fresh directory: stop() removes all trace.
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyMigrations } from '../db/migrate';
import { startPostgres } from './embedded-postgres';
import { freePort } from './free-port';
import { ensureTemporalCli } from './temporal-cli';
import { startTemporalDevServer } from './temporal-dev-server';

export interface ThrowawayDatabase {
  databaseUrl: string;
  stop(): Promise<void>;
}

/** A migrated PostgreSQL database of its own, in a temporary directory deleted by stop(). */
export async function startThrowawayDatabase(): Promise<ThrowawayDatabase> {
  const dir = await mkdtemp(join(tmpdir(), 'aro-pg-'));
  // mkdtemp makes the directory private to us; when we run as root, PostgreSQL runs as the
  // `postgres` user and must be able to enter it.
  await chmod(dir, 0o755);
  const removeDir = (): Promise<void> => rm(dir, { recursive: true, force: true });
  try {
    const postgres = await startPostgres({ dataDir: join(dir, 'data'), port: await freePort() });
    try {
      await applyMigrations(postgres.databaseUrl);
    } catch (err) {
      await postgres.stop();
      throw err;
    }
    return {
      databaseUrl: postgres.databaseUrl,
      stop: async () => {
        await postgres.stop();
        await removeDir();
      },
    };
  } catch (err) {
    await removeDir();
    throw err;
  }
}

export interface ThrowawayTemporal {
  address: string;
  namespace: string;
  pid: number;
  stop(): Promise<void>;
}

/** The real Temporal dev server, in memory and headless, with ARO's search attributes registered. */
export async function startThrowawayTemporal(): Promise<ThrowawayTemporal> {
  const namespace = 'default';
  const server = await startTemporalDevServer({
    cliPath: await ensureTemporalCli(),
    port: await freePort(),
    uiPort: null,
    dbFile: null,
    namespace,
  });
  return { address: server.address, namespace, pid: server.pid, stop: server.stop };
}
