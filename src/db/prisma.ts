// One way to open the database: Prisma Client 7 over a node-postgres pool (no engine binary needed).
import { PrismaPg } from '@prisma/adapter-pg';
import type { AroConfig } from '../config';
import { Prisma, PrismaClient } from '../generated/prisma/client';

export type Db = PrismaClient;

export type DbPoolSettings = Pick<AroConfig, 'ARO_DB_POOL_SIZE' | 'ARO_DB_ACQUIRE_TIMEOUT_MS'>;

/**
 * The API passes its pool settings; without them (the worker, whose activities are bounded by their
 * own timeouts and retried, and the CLI) node-postgres' defaults apply: 10 connections, no wait limit.
 */
export function createPrisma(databaseUrl: string, pool?: DbPoolSettings): PrismaClient {
  return new PrismaClient({
    adapter: new PrismaPg({
      connectionString: databaseUrl,
      ...(pool
        ? {
            max: pool.ARO_DB_POOL_SIZE,
            // Bounded, a saturated pool or an unreachable server fails fast and the API answers 503
            // instead of holding the request until the caller gives up.
            connectionTimeoutMillis: pool.ARO_DB_ACQUIRE_TIMEOUT_MS,
          }
        : {}),
    }),
  });
}

/**
 * Prisma's codes for "the database could not be reached or gave no connection in time": server not
 * reachable (P1001), connect or operation timed out (P1002, P1008), connection closed (P1017), no
 * pooled connection in time (P2024), no transaction started in time (P2028).
 */
const UNAVAILABLE_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2028']);

/**
 * The server going away or not there yet, however it reaches the caller: node-postgres' own pool and
 * connection failures (unwrapped), socket errors, and PostgreSQL's shutdown and start-up refusals
 * (57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot connect now) wrapped by Prisma's adapter.
 */
const DRIVER_UNAVAILABLE =
  /timeout exceeded when trying to connect|Connection terminated|ECONNREFUSED|ECONNRESET|EPIPE|terminating connection due to|the database system is (shutting down|starting up|in recovery mode|not yet accepting connections)|Can't reach database server|\b57P0[123]\b/;

/** The failure's text with its causes' and Prisma's metadata, where the driver's own words end up. */
function failureText(err: unknown, depth = 0): string {
  if (!(err instanceof Error) || depth > 3) return '';
  const meta = (err as { meta?: unknown }).meta;
  return [err.message, meta ? JSON.stringify(meta) : '', failureText(err.cause, depth + 1)].join(' ');
}

/** Whether a failure means the database is out of reach or saturated — worth retrying later — rather than a bug. */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (err instanceof Prisma.PrismaClientInitializationError) return true;
  if (err instanceof Prisma.PrismaClientKnownRequestError && UNAVAILABLE_CODES.has(err.code)) return true;
  return DRIVER_UNAVAILABLE.test(failureText(err));
}
