// The report as people read it: a Markdown table of ARO's figures beside bare Temporal's with their ratios,
// the notes, and the machine; docs/benchmarks.md is this, with a few lines of explanation around it.
import { ratio, type Figure } from './figures';
import type { BenchReport } from './run-bench';

function format(value: number | null, unit = ''): string {
  if (value === null) return '—';
  if (!Number.isFinite(value)) return String(value);
  const digits = Number.isInteger(value) || Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return `${value.toFixed(digits)}${unit ? ` ${unit}` : ''}`;
}

export function figureTable(figures: Figure[]): string {
  const rows = figures.map((f) => {
    const r = ratio(f);
    return `| ${f.scenario} | ${f.name} | ${format(f.aro, f.unit)} | ${format(f.bare, f.unit)} | ${r === null ? '—' : `${format(r)}×`} |`;
  });
  return ['| scenario | figure | ARO | bare Temporal | ARO ÷ bare |', '| --- | --- | --- | --- | --- |', ...rows].join('\n');
}

export function machineLine(report: BenchReport): string {
  const { machine } = report;
  return `${machine.cores} cores (${machine.cpuModel}), ${(machine.memoryBytes / 2 ** 30).toFixed(0)} GiB memory, Node ${machine.node}, ${machine.temporal} (Temporal CLI)`;
}

export function notesList(report: BenchReport): string {
  return Object.entries(report.notes)
    .map(([scenario, lines]) => lines.map((line) => `- ${scenario}: ${line}`).join('\n'))
    .join('\n');
}

export function textReport(report: BenchReport): string {
  return [
    `ARO against bare Temporal — ${report.size} run, ${report.date}`,
    machineLine(report),
    '',
    figureTable(report.figures),
    '',
    notesList(report),
    '',
  ].join('\n');
}
