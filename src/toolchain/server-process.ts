// A long-running server program as a child process: its output kept (tail, and optionally a log
// file), why it ended, and a stop that asks (SIGTERM) before it insists (SIGKILL).
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { collectTail } from './output-tail';

export interface ServerProcessOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Appends everything the program prints to this file. */
  logFile?: string;
  /** How long stop() waits after SIGTERM before SIGKILL. Default 10 s. */
  stopGraceMs?: number;
}

export interface ServerProcess {
  /** Undefined only when the program could not be started (exitReason() says why). */
  readonly pid: number | undefined;
  /** Its last output lines, for error messages. */
  readonly log: string[];
  /** Why the process ended, once it has; null while it runs. */
  exitReason(): string | null;
  /** Resolves when the process has ended, for whatever reason. */
  readonly exited: Promise<void>;
  /** SIGTERM, SIGKILL after the grace period; safe to call twice. */
  stop(): Promise<void>;
}

export function startServerProcess(command: string, args: readonly string[], options: ServerProcessOptions = {}): ServerProcess {
  const child = spawn(command, args, { env: options.env ?? process.env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  const log = collectTail(child);
  const file = options.logFile ? createWriteStream(options.logFile, { flags: 'a' }) : null;
  if (file) {
    child.stdout?.pipe(file, { end: false });
    child.stderr?.pipe(file, { end: false });
  }
  let exitReason: string | null = null;
  const exited = new Promise<void>((resolveExit) => {
    const ended = (reason: string) => {
      exitReason = reason;
      if (file) file.end(() => resolveExit());
      else resolveExit();
    };
    child.once('error', (err) => ended(`could not be started: ${err.message}`));
    child.once('exit', (code, signal) => ended(`exited (${signal ?? `exit status ${String(code)}`})`));
  });

  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), options.stopGraceMs ?? 10_000);
      await exited;
      clearTimeout(killer);
    })();
    return stopping;
  };
  return { pid: child.pid, log, exitReason: () => exitReason, exited, stop };
}
