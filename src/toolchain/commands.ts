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
 * Runs a program and rejects, naming the command and quoting what it printed, unless it exits
 * with status 0. Output is held back on success: `go install` and `mvn -q` print nothing useful
 * then (Debian's Maven even prints stray colour codes).
 */
export function runCommand(command: string, args: readonly string[], options: RunOptions = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output: string[] = [];
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => output.push(chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => output.push(chunk));
    const shown = [command, ...args].join(' ');
    child.once('error', (err) => reject(new Error(`could not run \`${shown}\`: ${err.message}`)));
    child.once('close', (code, signal) => {
      if (code === 0) {
        resolve();
        return;
      }
      const status = signal ? `signal ${signal}` : `exit status ${String(code)}`;
      reject(new Error(`\`${shown}\` failed (${status}):\n${output.join('').trim()}`));
    });
  });
}
