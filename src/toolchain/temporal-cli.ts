// Locates the Temporal CLI (which runs `temporal server start-dev`), building it with Go when absent.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { aroCacheDir } from './cache-dir';
import { findOnPath, isExecutableFile, runCommand } from './commands';

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

  const go = findOnPath('go', env);
  if (go === null) {
    throw new Error(
      `no Temporal CLI found (TEMPORAL_CLI_PATH unset, no \`temporal\` on PATH, nothing at ${cached}) ` +
        `and no \`go\` on PATH to build it; install Go or set TEMPORAL_CLI_PATH`,
    );
  }
  const binDir = join(aroCacheDir(env), 'bin');
  await mkdir(binDir, { recursive: true });
  process.stderr.write(
    `Building the Temporal CLI ${TEMPORAL_CLI_VERSION} with \`go install\` into ${binDir}; ` +
      `this takes a few minutes the first time.\n`,
  );
  await runCommand(go, ['install', `${TEMPORAL_CLI_MODULE}@${TEMPORAL_CLI_VERSION}`], {
    env: { ...env, GOBIN: binDir },
  });
  if (!isExecutableFile(cached)) {
    throw new Error(`\`go install\` succeeded but ${cached} is missing or not executable`);
  }
  return cached;
}
