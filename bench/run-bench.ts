// One benchmark run: starts its own servers and ARO, runs every scenario beside its bare-Temporal
// baseline, and answers the figures with the machine they were measured on.
import { cpus, totalmem } from 'node:os';
import type { Figure } from './figures';
import { bookingIntake } from './scenarios/booking-intake';
import { histories } from './scenarios/histories';
import { lifecycleStarts } from './scenarios/lifecycle-starts';
import { reminderStorm } from './scenarios/reminder-storm';
import { replyAcknowledgement } from './scenarios/reply-acknowledgement';
import type { ScenarioContext } from './scenarios/scenario';
import { workerMemory } from './scenarios/worker-memory';
import { cpuMeter, cpuSecondsOf, peakRssOf } from './processes';
import { openWorkflowsOf, type BenchSize } from './sizes';
import { startBenchStack, type BenchStack } from './stack';

export interface Machine {
  cores: number;
  cpuModel: string;
  memoryBytes: number;
  node: string;
  temporal: string;
}

export interface BenchReport {
  date: string;
  size: string;
  machine: Machine;
  figures: Figure[];
  /** Per scenario: status code counts, CPU seconds per process, and how it was measured. */
  notes: Record<string, string[]>;
}

/** CPU seconds each process spent while `run` ran, as a note. */
async function withCpu<T>(stack: BenchStack, run: () => Promise<T>): Promise<{ value: T; note: string }> {
  const { api, aroWorker, bareWorker } = stack.processes;
  const meter = cpuMeter({ api: api.cpuSeconds, aro: aroWorker.cpuSeconds, bare: bareWorker.cpuSeconds, temporal: () => cpuSecondsOf(stack.temporalPid) });
  const value = await run();
  const used = meter.used();
  const [apiCpu, aroCpu, bareCpu, temporalCpu] = [used.api, used.aro, used.bare, used.temporal].map((seconds) => seconds.toFixed(1));
  return {
    value,
    note: `CPU seconds: ARO API ${apiCpu}, ARO worker ${aroCpu}, bare worker ${bareCpu}, Temporal server ${temporalCpu} (both halves)`,
  };
}

/** `cpuProfileDir`: where each process writes its CPU profiles at the end of the run. */
export async function runBench(size: BenchSize, progress: (line: string) => void, cpuProfileDir?: string): Promise<BenchReport> {
  const stack = await startBenchStack(openWorkflowsOf(size), progress, { temporal: 'dev', aroWorkers: 1, cpuProfileDir });
  try {
    const context: ScenarioContext = { stack, size, progress };
    const figures: Figure[] = [];
    const notes: Record<string, string[]> = {};
    const scenario = async <T extends { figures: Figure[]; notes: string[] }>(name: string, run: () => Promise<T>): Promise<T> => {
      const started = Date.now();
      const { value, note } = await withCpu(stack, run);
      figures.push(...value.figures);
      notes[name] = [...value.notes, note];
      progress(`${name}: done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
      return value;
    };
    // Memory first, while the workers' caches hold nothing but the warm-up.
    await scenario('worker memory', () => workerMemory(context));
    await scenario('booking intake', () => bookingIntake(context));
    let sample: { aro: string; bare: string } | undefined;
    await scenario('lifecycle starts', async () => {
      const starts = await lifecycleStarts(context);
      sample = starts.sample;
      return starts.result;
    });
    await scenario('reminder storm', () => reminderStorm(context));
    await scenario('reply → acknowledgement', () => replyAcknowledgement(context));
    await scenario('history per workflow', () => histories(context, sample!));
    const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
    const processes = Object.values(stack.processes).map((p) => `${p.kind} ${mib(p.peakRss())}`);
    notes['refusals'] = [...stack.refusals].map(([what, body]) => `first ${what}: ${body}`);
    notes['processes'] = [`peak RSS: ${processes.join(', ')}, Temporal server ${mib(peakRssOf(stack.temporalPid))}`];
    return {
      date: new Date().toISOString(),
      size: size.name,
      machine: {
        cores: cpus().length,
        cpuModel: cpus()[0]?.model ?? 'unknown',
        memoryBytes: totalmem(),
        node: process.version,
        temporal: stack.temporalVersion,
      },
      figures,
      notes,
    };
  } finally {
    progress(`stopping; the processes' output is in ${Object.values(stack.processes).map((p) => p.logFile).join(', ')}`);
    await stack.stop();
  }
}
