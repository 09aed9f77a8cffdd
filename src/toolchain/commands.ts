// Finding and running the external programs the toolchain relies on (go, mvn, java, temporal).
import { spawn } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** True when `path` is a regular file this process may execute. */
export function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The first executable named `name` on PATH, like `command -v`, or null. */
export function findOnPath(name: string, env: NodeJS.ProcessEnv = process.env): string | null {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir.length === 0) continue;
    const candidate = join(dir, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return null;
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * Runs a program with its output on our stderr (builds are long; the user should see progress
 * and errors) and rejects, naming the command, unless it exits with status 0.
 */
export function runCommand(command: string, args: readonly string[], options: RunOptions = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      // stdout goes to stderr too: callers such as `npm run setup --quiet` keep stdout for results.
      stdio: ['ignore', process.stderr, process.stderr],
    });
    const shown = [command, ...args].join(' ');
    child.once('error', (err) => reject(new Error(`could not run \`${shown}\`: ${err.message}`)));
    child.once('exit', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`\`${shown}\` failed (${signal ? `signal ${signal}` : `exit status ${String(code)}`})`));
    });
  });
}
