// Builds Go programs from the Go module proxy into ARO's cache (`go install` with GOBIN), for the Temporal tools.
import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { findOnPath, isExecutableFile, runCommand } from './commands';

const execFileAsync = promisify(execFile);

export interface GoInstall {
  /** What is built, for messages: "the Temporal CLI v1.5.1". */
  what: string;
  /** Package paths, each built at `version` (they must belong to one module). */
  packages: readonly string[];
  version: string;
  /** GOBIN: where the binaries land. */
  binDir: string;
  /** The binaries' file names in binDir, checked once the build is done. */
  binaries: readonly string[];
}

/** The `go` on PATH, or an error that says what needed it. */
export function goBinary(what: string, env: NodeJS.ProcessEnv = process.env): string {
  const go = findOnPath('go', env);
  if (go === null) throw new Error(`building ${what} needs \`go\` on PATH, and none was found; install Go`);
  return go;
}

/**
 * Runs `go install pkg@version …` with GOBIN=binDir. Go's module and build caches make a rebuild
 * after a cleared binDir cheap; the first build of a large program takes minutes, hence the notice.
 */
export async function goInstall(build: GoInstall, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const go = goBinary(build.what, env);
  await mkdir(build.binDir, { recursive: true });
  process.stderr.write(`Building ${build.what} with \`go install\` into ${build.binDir}; this takes minutes the first time.\n`);
  await runCommand(
    go,
    ['install', ...build.packages.map((pkg) => `${pkg}@${build.version}`)],
    { env: { ...env, GOBIN: build.binDir } },
  );
  for (const name of build.binaries) {
    const binary = join(build.binDir, name);
    if (!isExecutableFile(binary)) throw new Error(`\`go install\` of ${build.what} succeeded but ${binary} is missing or not executable`);
  }
}

/** The directory of `module@version` in Go's module cache, downloading it when it is not there. */
export async function goModuleDir(module: string, version: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const go = goBinary(`${module}@${version}`, env);
  const { stdout } = await execFileAsync(go, ['mod', 'download', '-json', `${module}@${version}`], { env, maxBuffer: 1 << 20 });
  const { Dir, Error: failure } = JSON.parse(stdout) as { Dir?: string; Error?: string };
  if (!Dir) throw new Error(`\`go mod download ${module}@${version}\` gave no directory${failure ? `: ${failure}` : ''}`);
  return Dir;
}
