// Runs `temporal server start-dev` (a real Temporal server, SQLite or in memory) with ARO's search attributes.
import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Connection } from '@temporalio/client';
import { searchAttributeCliArgs } from './search-attributes';
import { startServerProcess } from './server-process';

export interface StartTemporalDevServerOptions {
  cliPath: string;
  /** Frontend gRPC port. */
  port: number;
  /** Web UI port; null runs the server headless. */
  uiPort: number | null;
  /** The remote codec the Web UI asks to decode payloads (ARO's API: `<url>/codec`). */
  uiCodecEndpoint?: string;
  /** SQLite file that keeps workflows across restarts; null or absent keeps everything in memory. */
  dbFile?: string | null;
  /** Namespace that must exist (created at start when it is not `default`). */
  namespace: string;
  /** How long to wait for the frontend to answer. Default 60 s. */
  startTimeoutMs?: number;
  /** Port of the server's Prometheus metrics (per-operation request counters); absent: none. */
  metricsPort?: number;
}

export interface RunningTemporalDevServer {
  /** host:port of the frontend, for TEMPORAL_ADDRESS. */
  address: string;
  uiUrl: string | null;
  /** The server's process id (the benchmarks read its CPU time). */
  pid: number;
  /** SIGTERM, SIGKILL after a grace period; safe to call twice. */
  stop(): Promise<void>;
}

/** Starts of a dev server that exits during start-up (see below). */
const START_ATTEMPTS = 2;

/** Starts the dev server and resolves once its frontend answers for the namespace. */
export async function startTemporalDevServer(options: StartTemporalDevServerOptions): Promise<RunningTemporalDevServer> {
  const host = '127.0.0.1';
  const address = `${host}:${options.port}`;
  const args = ['server', 'start-dev', '--ip', host, '--port', String(options.port)];
  if (options.uiPort === null) args.push('--headless');
  else args.push('--ui-port', String(options.uiPort));
  if (options.uiPort !== null && options.uiCodecEndpoint) args.push('--ui-codec-endpoint', options.uiCodecEndpoint);
  if (options.dbFile) {
    const dbFile = resolve(options.dbFile);
    await mkdir(dirname(dbFile), { recursive: true });
    args.push('--db-filename', dbFile);
  }
  if (options.namespace !== 'default') args.push('--namespace', options.namespace);
  if (options.metricsPort !== undefined) args.push('--metrics-port', String(options.metricsPort));
  args.push(...searchAttributeCliArgs(), '--log-level', 'warn');
  // Appointments carry their clinic as fairness key: dispatch round-robins across clinics on the
  // shared core queue, so one clinic's burst does not hold up the others (README "Operations").
  args.push('--dynamic-config-value', 'matching.enableFairness=true');

  for (let attempt = 1; ; attempt++) {
    const server = startServerProcess(options.cliPath, args);
    const problem = await waitForFrontend(address, options.namespace, options.startTimeoutMs ?? 60_000, server.exitReason);
    if (problem === null) {
      return { address, uiUrl: options.uiPort === null ? null : `http://${host}:${options.uiPort}`, pid: server.pid!, stop: server.stop };
    }
    // Read before stop(), after which every server has exited.
    const exitedOnItsOwn = server.exitReason() !== null;
    await server.stop();
    // The dev server picks some of its ports itself (cluster membership, its HTTP API) by asking for
    // a free one and binding it later; another process may take it in between, and the server then
    // panics at start-up. A second start picks new ones. A server that hangs is not started again.
    if (!exitedOnItsOwn || attempt === START_ATTEMPTS) throw new Error(`Temporal dev server on ${address} ${problem}:\n${server.log.join('\n')}`);
  }
}

/**
 * Polls until the frontend describes the namespace, which also proves the namespace exists.
 * Resolves null on success, or the reason it gave up (the process ended, or the deadline passed).
 */
export async function waitForFrontend(
  address: string,
  namespace: string,
  timeoutMs: number,
  exitReason: () => string | null,
): Promise<string | null> {
  const deadline = Date.now() + timeoutMs;
  let lastError = 'no answer';
  while (Date.now() < deadline) {
    const exited = exitReason();
    if (exited !== null) return exited;
    // lazy + ensureConnected rather than connect(): a failed connect() leaves its channel open.
    const connection = Connection.lazy({ address, connectTimeout: 1_000 });
    try {
      await connection.ensureConnected();
      await connection.workflowService.describeNamespace({ namespace });
      return null;
    } catch (err) {
      lastError = (err as Error).message;
    } finally {
      await connection.close();
    }
    await sleep(250);
  }
  return `did not answer within ${timeoutMs} ms (last error: ${lastError})`;
}
