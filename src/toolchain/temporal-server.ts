// Locates the real Temporal server (cmd/server), its SQL schema tool and the Web UI server at pinned
// versions for `npm run cluster`, building them with Go into the per-user cache when absent.
import { join } from 'node:path';
import { aroCacheDir } from './cache-dir';
import { isExecutableFile } from './commands';
import { goInstall, goModuleDir } from './go-install';

/**
 * The newest server release this machine's Go (1.26.8) builds: v1.32.2 and later need Go 1.26.10.
 * docker-compose.temporal.yml runs the same version.
 */
export const TEMPORAL_SERVER_VERSION = 'v1.32.1';
const SERVER_MODULE = 'go.temporal.io/server';
/**
 * The Web UI server with its built assets. v2.56.0 and later need Go 1.26.9 or newer; 2.55.0 is the
 * newest this Go builds, and its go.mod has no `replace`, so `go install` takes it as it is.
 */
export const TEMPORAL_UI_SERVER_VERSION = 'v2.55.0';
const UI_SERVER_MODULE = 'github.com/temporalio/ui-server/v2';

export interface TemporalServerTools {
  /** `server start --service=<name>`: one Temporal service per process. */
  server: string;
  /** The `sql` tool (temporal-sql-tool): create databases, set up and update schemas. */
  sql: string;
}

export function temporalServerDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(aroCacheDir(env), 'temporal-server', TEMPORAL_SERVER_VERSION);
}

export function temporalUiServerDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(aroCacheDir(env), 'temporal-ui-server', TEMPORAL_UI_SERVER_VERSION);
}

/** The server and its sql tool from the cache, built together with `go install` the first time (about 10 minutes on 2 cores). */
export async function ensureTemporalServer(env: NodeJS.ProcessEnv = process.env): Promise<TemporalServerTools> {
  const binDir = temporalServerDir(env);
  const tools = { server: join(binDir, 'server'), sql: join(binDir, 'sql') };
  if (isExecutableFile(tools.server) && isExecutableFile(tools.sql)) return tools;
  await goInstall(
    {
      what: `the Temporal server ${TEMPORAL_SERVER_VERSION} and its sql tool`,
      packages: [`${SERVER_MODULE}/cmd/server`, `${SERVER_MODULE}/cmd/tools/sql`],
      version: TEMPORAL_SERVER_VERSION,
      binDir,
      binaries: ['server', 'sql'],
    },
    env,
  );
  return tools;
}

/** The Web UI server from the cache, built with `go install` the first time. */
export async function ensureTemporalUiServer(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const binDir = temporalUiServerDir(env);
  const binary = join(binDir, 'server');
  if (isExecutableFile(binary)) return binary;
  await goInstall(
    {
      what: `the Temporal Web UI server ${TEMPORAL_UI_SERVER_VERSION}`,
      packages: [`${UI_SERVER_MODULE}/cmd/server`],
      version: TEMPORAL_UI_SERVER_VERSION,
      binDir,
      binaries: ['server'],
    },
    env,
  );
  return binary;
}

/**
 * The server module's PostgreSQL schemas (`temporal/` and `visibility/`, each with `versioned/`) in
 * Go's module cache: the very files the sql tool of the same version expects.
 */
export async function postgresSchemaDir(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return join(await goModuleDir(SERVER_MODULE, TEMPORAL_SERVER_VERSION, env), 'schema', 'postgresql', 'v12');
}
