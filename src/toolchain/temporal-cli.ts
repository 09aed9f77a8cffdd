// Locates the Temporal CLI (which runs `temporal server start-dev`), building it with Go when absent.
import { basename, dirname, join } from 'node:path';
import { aroCacheDir } from './cache-dir';
import { findOnPath, isExecutableFile } from './commands';
import { goInstall } from './go-install';

/**
 * The newest CLI release that `go install pkg@version` accepts: from v1.6.0 on its go.mod has a
 * `replace` directive, which `go install` refuses. Vendor binary downloads are unreachable here,
 * so the Go module proxy is the only source.
 */
export const TEMPORAL_CLI_VERSION = 'v1.5.1';
const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal';

/** Where a CLI built by ARO lives: outside the clone, so fresh clones (CI) reuse it. */
export function cachedTemporalCliPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(aroCacheDir(env), 'bin', 'temporal');
}

/**
 * Returns the path of a Temporal CLI, in this order: $TEMPORAL_CLI_PATH, `temporal` on PATH, the
 * cached build, or a fresh `go install` into the cache.
 */
export async function ensureTemporalCli(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const configured = env.TEMPORAL_CLI_PATH;
  if (configured !== undefined && configured.length > 0) {
    if (!isExecutableFile(configured)) {
      throw new Error(`TEMPORAL_CLI_PATH is set to ${configured}, which is not an executable file`);
    }
    return configured;
  }
  const onPath = findOnPath('temporal', env);
  if (onPath !== null) return onPath;

  const cached = cachedTemporalCliPath(env);
  if (isExecutableFile(cached)) return cached;

  if (findOnPath('go', env) === null) {
    throw new Error(
      `no Temporal CLI found (TEMPORAL_CLI_PATH unset, no \`temporal\` on PATH, nothing at ${cached}) ` +
        `and no \`go\` on PATH to build it; install Go or set TEMPORAL_CLI_PATH`,
    );
  }
  await goInstall(
    {
      what: `the Temporal CLI ${TEMPORAL_CLI_VERSION}`,
      packages: [TEMPORAL_CLI_MODULE],
      version: TEMPORAL_CLI_VERSION,
      binDir: dirname(cached),
      binaries: [basename(cached)],
    },
    env,
  );
  return cached;
}
