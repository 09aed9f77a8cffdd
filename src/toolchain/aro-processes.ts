// ARO's production processes — the API (`node dist/src/api/main.js`) and the worker
// (`node dist/worker.js`) — as child processes with the environment an operator gives them, under a
// supervisor that starts again whichever exits on its own, as systemd or Kubernetes would.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** The compiled repository root (dist/), from dist/src/toolchain. */
export const DIST_ROOT = join(__dirname, '..', '..');

export const API_SCRIPT = join(DIST_ROOT, 'src', 'api', 'main.js');
export const WORKER_SCRIPT = join(DIST_ROOT, 'worker.js');
export const CLI_SCRIPT = join(DIST_ROOT, 'src', 'cli', 'aro.js');

/**
 * The port whose /healthz answers once the process serves: the API listens, the worker polls (its
 * probes start after its workers). Asked over HTTP, as an orchestrator would, rather than read from
 * the logs, which ARO_LOG_LEVEL may quieten.
 */
const HEALTH_PORTS: Record<AroRole, string> = { api: 'ARO_API_PORT', worker: 'ARO_WORKER_HTTP_PORT' };
const HEALTH_POLL_MS = 200;
const RESTART_DELAY_MS = 1_000;
const STOP_GRACE_MS = 15_000;

export type AroRole = 'api' | 'worker';

export interface ProcessExit {
  role: AroRole;
  at: number;
  code: number | null;
  signal: NodeJS.Signals | null;
}

export class SupervisedAroProcess {
  /** Exits nobody asked for (a crash, or giving up on a lost server), each followed by a restart. */
  readonly unexpectedExits: ProcessExit[] = [];
  private child: ChildProcess | null = null;
  private exited: Promise<void> = Promise.resolve();
  private ready: Promise<void> = Promise.resolve();
  private expectingExit = false;
  private stopped = false;
  private readonly log: WriteStream;

  /** `name` tells apart processes of one role (worker-1, worker-2): it names the log file. */
  constructor(
    readonly role: AroRole,
    private readonly env: Record<string, string>,
    logDir: string,
    readonly name: string = role,
  ) {
    // A default port could be another run's process answering.
    if (!env[HEALTH_PORTS[role]]) throw new Error(`the ${role} process needs ${HEALTH_PORTS[role]} in its environment`);
    this.log = createWriteStream(join(logDir, `${name}.log`), { flags: 'a' });
  }

  /** The current process's id (a restart changes it); undefined before start(). Temporal names a worker `<pid>@<host>`. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** The file its stdout and stderr go to. */
  get logFile(): string {
    return this.log.path as string;
  }

  /** Spawns the process; resolves once it prints its ready line (a process that exits first is started again). */
  start(): Promise<void> {
    this.spawnOnce();
    return this.ready;
  }

  /** Resolves when the current process is ready. */
  whenReady(): Promise<void> {
    return this.ready;
  }

  /** Kills the process with `signal` (expected: not counted, not restarted) and waits for it to end. */
  async kill(signal: NodeJS.Signals): Promise<void> {
    this.expectingExit = true;
    this.child?.kill(signal);
    await this.exited;
  }

  /** SIGTERM (SIGKILL after a grace period), no restart. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) {
      const killer = setTimeout(() => this.child?.kill('SIGKILL'), STOP_GRACE_MS);
      await this.kill('SIGTERM');
      clearTimeout(killer);
    }
    await new Promise<void>((resolve) => this.log.end(resolve));
  }

  private spawnOnce(): void {
    this.expectingExit = false;
    const child = spawn(process.execPath, [this.role === 'api' ? API_SCRIPT : WORKER_SCRIPT], {
      env: { ...process.env, ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.log.write(`--- ${new Date().toISOString()} started (pid ${String(child.pid)})\n`);
    let markReady: () => void = () => undefined;
    this.ready = new Promise<void>((resolve) => (markReady = resolve));
    child.stdout?.on('data', (chunk: Buffer) => this.log.write(chunk));
    child.stderr?.on('data', (chunk: Buffer) => this.log.write(chunk));
    const healthz = `http://127.0.0.1:${this.env[HEALTH_PORTS[this.role]]}/healthz`;
    void (async () => {
      while (child.exitCode === null && child.signalCode === null) {
        const answered = await fetch(healthz).then((res) => res.ok, () => false);
        if (answered) return markReady();
        await sleep(HEALTH_POLL_MS);
      }
    })();
    this.exited = new Promise<void>((resolve) => {
      child.once('exit', (code, signal) => {
        this.log.write(`--- ${new Date().toISOString()} exited (${signal ?? `status ${String(code)}`})\n`);
        resolve();
        if (this.expectingExit || this.stopped) return;
        this.unexpectedExits.push({ role: this.role, at: Date.now(), code, signal });
        // The supervisor's restart: whoever waits for readiness waits for the next process.
        setTimeout(() => {
          if (this.stopped) return;
          const previousReady = markReady;
          this.spawnOnce();
          void this.ready.then(previousReady);
        }, RESTART_DELAY_MS);
      });
    });
  }
}
