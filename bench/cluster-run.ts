// One `npm run bench:cluster` run: the throughput scenarios (booking intake, lifecycle starts, reminder
// storm) on the Temporal dev server with one ARO worker process, then on the real Temporal cluster
// with one and with two, each on servers of its own, one after the other in the same run.
import { cpus, totalmem } from 'node:os';
import type { Figure } from './figures';
import { bookingIntake } from './scenarios/booking-intake';
import { lifecycleStarts } from './scenarios/lifecycle-starts';
import { reminderStorm } from './scenarios/reminder-storm';
import type { ScenarioContext } from './scenarios/scenario';
import { openWorkflowsOf, type BenchSize } from './sizes';
import { startBenchStack, type BenchStackOptions } from './stack';

export interface ClusterConfiguration extends BenchStackOptions {
  label: string;
}

export const CONFIGURATIONS: ClusterConfiguration[] = [
  { label: 'dev server, 1 worker', temporal: 'dev', aroWorkers: 1 },
  { label: 'cluster, 1 worker', temporal: 'cluster', aroWorkers: 1 },
  { label: 'cluster, 2 workers', temporal: 'cluster', aroWorkers: 2 },
];

export interface ConfigurationRun {
  configuration: ClusterConfiguration;
  temporal: string;
  figures: Figure[];
  notes: string[];
}

export interface ClusterReport {
  date: string;
  size: string;
  machine: string;
  runs: ConfigurationRun[];
}

async function runConfiguration(configuration: ClusterConfiguration, size: BenchSize, progress: (line: string) => void): Promise<ConfigurationRun> {
  const say = (line: string) => progress(`[${configuration.label}] ${line}`);
  const stack = await startBenchStack(openWorkflowsOf(size), say, configuration);
  try {
    const context: ScenarioContext = { stack, size, progress: say };
    const results = [await bookingIntake(context), (await lifecycleStarts(context)).result, await reminderStorm(context)];
    const refusals = [...stack.refusals].map(([what, body]) => `first ${what}: ${body}`);
    return {
      configuration,
      temporal: stack.temporalVersion,
      figures: results.flatMap((r) => r.figures),
      notes: [...results.flatMap((r) => r.notes), ...refusals],
    };
  } finally {
    await stack.stop();
  }
}

export async function runClusterBench(size: BenchSize, progress: (line: string) => void): Promise<ClusterReport> {
  const runs: ConfigurationRun[] = [];
  for (const configuration of CONFIGURATIONS) runs.push(await runConfiguration(configuration, size, progress));
  const cpu = cpus();
  return {
    date: new Date().toISOString(),
    size: size.name,
    machine: `${cpu.length} cores (${cpu[0]?.model ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB memory, Node ${process.version}`,
    runs,
  };
}
