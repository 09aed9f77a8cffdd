// ARO's production processes — the API (`node dist/src/api/main.js`) and the worker
// (`node dist/worker.js`) — as child processes with the environment an operator gives them, under a
// supervisor that starts again whichever exits on its own, as systemd or Kubernetes would — until one
// keeps exiting before it is ever ready, which no restart will mend (bad settings, a port taken).
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { collectTail } from './output-tail';

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
/** Exits in a row before readiness after which the supervisor gives up and start() fails. */
const FAILED_STARTS_BEFORE_GIVING_UP = 3;

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
  /** Processes in a row that exited before they were ready. */
  private failedStarts = 0;
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

  /**
   * Spawns the process; resolves once it answers its health probe. A process that exits first is
   * started again; after three in a row, start() fails with the last one's output.
   */
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
    let giveUp: (err: Error) => void = () => undefined;
    let wasReady = false;
    this.ready = new Promise<void>((resolve, reject) => {
      markReady = () => {
        wasReady = true;
        this.failedStarts = 0;
        resolve();
      };
      giveUp = reject;
    });
    // Nobody may be waiting when the supervisor gives up (a crash long after start): not an unhandled rejection.
    this.ready.catch(() => undefined);
    const tail = collectTail(child);
    child.stdout?.on('data', (chunk: string) => this.log.write(chunk));
    child.stderr?.on('data', (chunk: string) => this.log.write(chunk));
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
        if (!wasReady && ++this.failedStarts >= FAILED_STARTS_BEFORE_GIVING_UP) {
          this.stopped = true;
          giveUp(
            new Error(
              `the ${this.name} process exited ${this.failedStarts} times in a row before it was ready (last: ${signal ?? `status ${String(code)}`}); its last output (all of it in ${this.logFile}):\n${tail.join('\n')}`,
            ),
          );
          return;
        }
        // The supervisor's restart: whoever waits for readiness waits for the next process.
        setTimeout(() => {
          if (this.stopped) return;
          const previousReady = markReady;
          const previousGiveUp = giveUp;
          this.spawnOnce();
          this.ready.then(previousReady, previousGiveUp);
        }, RESTART_DELAY_MS);
      });
    });
  }
}
