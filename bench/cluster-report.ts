// The cluster run as people read it: each throughput figure under the three configurations side by
// side, with the scale factor of a second worker process on the cluster; and docs/benchmarks.md's
// cluster section, which is that table with a few lines around it.
import type { Figure } from './figures';
import type { ClusterReport } from './cluster-run';

export const CLUSTER_SECTION = 'cluster';

/** Throughput, and the median latency beside it; the tails and CPU figures are `npm run bench`'s. */
const REPORTED = /per second|drain rate|p50/;

function format(value: number | null | undefined, unit: string): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return `${value.toFixed(digits)} ${unit}`;
}

function cell(figure: Figure | undefined): string {
  if (!figure) return '—';
  return `${format(figure.aro, figure.unit)} (bare ${format(figure.bare, figure.unit)})`;
}

export function clusterTable(report: ClusterReport): string {
  const [dev, oneWorker, twoWorkers] = report.runs;
  const find = (run: (typeof report.runs)[number] | undefined, f: Figure) => run?.figures.find((g) => g.scenario === f.scenario && g.name === f.name);
  const rows = dev.figures
    .filter((f) => REPORTED.test(f.name))
    .map((f) => {
      const one = find(oneWorker, f);
      const two = find(twoWorkers, f);
      const scale = one && two && one.aro > 0 ? `${(two.aro / one.aro).toFixed(2)}×` : '—';
      return `| ${f.scenario} | ${f.name} | ${cell(f)} | ${cell(one)} | ${cell(two)} | ${scale} |`;
    });
  return [
    `| scenario | figure | ${report.runs.map((r) => r.configuration.label).join(' | ')} | 2 workers ÷ 1 |`,
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}

function notes(report: ClusterReport): string {
  return report.runs.flatMap((run) => [`- ${run.configuration.label}: ${run.temporal}`, ...run.notes.map((n) => `- ${run.configuration.label}: ${n}`)]).join('\n');
}

export function clusterTextReport(report: ClusterReport): string {
  return [`ARO on the dev server and on a Temporal cluster — ${report.size} run, ${report.date}`, report.machine, '', clusterTable(report), '', notes(report), ''].join('\n');
}

export function clusterSection(report: ClusterReport, remark: string | undefined): string {
  return `## On a Temporal cluster

\`npm run bench:cluster\` runs three of the scenarios above — booking intake, lifecycle starts, the
reminder storm — three times in one run, each time on servers of its own: on the Temporal dev server
with one ARO worker process (as \`npm run bench\`), then on the real Temporal server as four service
processes on PostgreSQL (as \`npm run cluster\`, fairness on) with one, and with two ARO worker
processes. Each cell gives ARO's figure and, in brackets, the bare baseline's on the same servers; the
last column is the scale factor of the second worker process (two ÷ one, on the cluster: above 1 is
better for a rate, below 1 for a latency). All of it runs on one machine: a second worker process adds
workers, not cores, so on two cores the factor says what spreading the work costs or gains there, and
only machines with cores to spare for each process show what it gains in production.

\`\`\`sh
npm run bench:cluster -- --size small     # [--size full|small|tiny] [--json] [--write-docs [--note "…"]]
\`\`\`

### Latest cluster run

${report.date.slice(0, 10)} · ${report.size} size · ${report.machine}
${remark ? `\n> ${remark}\n` : ''}
${clusterTable(report)}

${notes(report)}`;
}
