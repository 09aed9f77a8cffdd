// Starts the benchmark's processes (bench/bench-process.ts) and reads what each one costs: CPU time
// and peak RSS from /proc (Linux), held heap and RSS after a full collection over IPC.
import { fork } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectTail } from '../src/toolchain/output-tail';
import type { BenchProcessKind, BenchProcessMessage, HeldMemory } from './bench-process';

/** Linux's USER_HZ: /proc/<pid>/stat counts CPU time in hundredths of a second on every platform Node runs on. */
const CLOCK_TICKS_PER_SECOND = 100;
const STOP_GRACE_MS = 15_000;
const START_TIMEOUT_MS = 180_000;

/** User + system CPU seconds process `pid` has used so far. */
export function cpuSecondsOf(pid: number): number {
  // Fields after the parenthesised command name: state is the 1st, utime the 12th, stime the 13th.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

/** CPU seconds of named sources (a process, a group of processes) from the meter's making until `used()`. */
export interface CpuMeter<K extends string> {
  used(): Record<K, number>;
}

export function cpuMeter<K extends string>(sources: Record<K, () => number>): CpuMeter<K> {
  const read = () => Object.fromEntries(Object.entries<() => number>(sources).map(([name, seconds]) => [name, seconds()])) as Record<K, number>;
  const before = read();
  return {
    used: () => {
      const now = read();
      return Object.fromEntries(Object.entries<number>(now).map(([name, seconds]) => [name, seconds - before[name as K]])) as Record<K, number>;
    },
  };
}

/** Highest RSS process `pid` has had, in bytes. */
export function peakRssOf(pid: number): number {
  const hwm = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return hwm ? Number(hwm[1]) * 1024 : NaN;
}

export interface BenchProcess {
  kind: BenchProcessKind;
  pid: number;
  /** The API's base URL (api only). */
  url?: string;
  /** Everything the process wrote, outside the repository (ARO logs errors only, at ARO_LOG_LEVEL=error). */
  logFile: string;
  /** User + system CPU seconds used so far. */
  cpuSeconds(): number;
  /** Highest RSS so far, in bytes. */
  peakRss(): number;
  /** Heap and RSS after full collections. */
  heldMemory(): Promise<HeldMemory>;
  stop(): Promise<void>;
}

/**
 * `cpuProfileDir`: the process writes V8 CPU profiles there when it stops (one per thread: the worker's
 * workflows run in a thread of their own), for Chrome DevTools or any .cpuprofile reader.
 */
export async function startBenchProcess(
  kind: BenchProcessKind,
  env: Record<string, string>,
  maxCachedWorkflows = 0,
  cpuProfileDir?: string,
): Promise<BenchProcess> {
  const child = fork(require.resolve('./bench-process'), [kind, String(maxCachedWorkflows)], {
    env: { ...process.env, ...env },
    execArgv: ['--expose-gc', ...(cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfileDir}`] : [])],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const tail = collectTail(child);
  const logFile = join(tmpdir(), `aro-bench-${kind}-${child.pid}.log`);
  const log = createWriteStream(logFile);
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = await new Promise<Extract<BenchProcessMessage, { type: 'ready' }>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the bench ${kind} process did not start within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
    child.on('message', (message: BenchProcessMessage) => {
      if (message.type !== 'ready') return;
      clearTimeout(timer);
      resolve(message);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the bench ${kind} process exited (${signal ?? String(code)}) before it was ready:\n${tail.join('\n')}`));
    });
  }).catch(async (err: unknown) => {
    child.kill('SIGKILL');
    await exited;
    throw err;
  });
  const pid = child.pid!;
  let stopping: Promise<void> | undefined;
  // A part that dies mid-run would otherwise only show as a scenario timing out.
  child.once('exit', (code, signal) => {
    if (!stopping) process.stderr.write(`[bench] the ${kind} process exited (${signal ?? String(code)}) during the run:\n${tail.join('\n')}\n`);
  });
  return {
    kind,
    pid,
    url: ready.url,
    logFile,
    cpuSeconds: () => cpuSecondsOf(pid),
    peakRss: () => peakRssOf(pid),
    heldMemory: () =>
      new Promise((resolve) => {
        const onMessage = (message: BenchProcessMessage) => {
          if (message.type !== 'memory') return;
          child.off('message', onMessage);
          resolve(message.memory);
        };
        child.on('message', onMessage);
        child.send({ type: 'memory' });
      }),
    stop: () =>
      (stopping ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
        await exited;
        clearTimeout(killer);
      })()),
  };
}
