// `npm run bench`: ARO against bare Temporal in one run (docs/benchmarks.md explains every figure).
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { benchmarksDoc } from './benchmarks-doc';
import { commandOptions } from './command-line';
import { CLUSTER_SECTION } from './cluster-report';
import { keepingSection } from './doc-sections';
import { textReport } from './report';
import { runBench } from './run-bench';
import { BENCH_SIZES } from './sizes';

const DOCS_FILE = join(__dirname, '..', '..', 'docs', 'benchmarks.md');
const USAGE = 'Usage: npm run bench -- [--small | --size full|small|tiny] [--json] [--write-docs [--note "…"]] [--cpu-profiles DIR]';

async function main(): Promise<void> {
  const values = commandOptions(USAGE, {
    small: { type: 'boolean', default: false },
    size: { type: 'string' },
    json: { type: 'boolean', default: false },
    'write-docs': { type: 'boolean', default: false },
    note: { type: 'string' },
    'cpu-profiles': { type: 'string' },
  });
  const sizeName = values.size ?? (values.small ? 'small' : 'full');
  if (!(sizeName in BENCH_SIZES)) throw new Error(`--size must be one of ${Object.keys(BENCH_SIZES).join(', ')}, not ${JSON.stringify(sizeName)}`);
  const size = BENCH_SIZES[sizeName as keyof typeof BENCH_SIZES];
  // Progress goes to stderr, so that --json leaves stdout to the report.
  const started = Date.now();
  const progress = (line: string) => process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}\n`);
  const profiles = values['cpu-profiles'] ? resolve(values['cpu-profiles']) : undefined;
  if (profiles) await mkdir(profiles, { recursive: true });
  const report = await runBench(size, progress, profiles);
  if (profiles) progress(`CPU profiles of every process (api, aro, bare; one file per thread) in ${profiles}`);
  process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : textReport(report));
  if (values['write-docs']) {
    await mkdir(dirname(DOCS_FILE), { recursive: true });
    const previous = await readFile(DOCS_FILE, 'utf8').catch(() => '');
    await writeFile(DOCS_FILE, keepingSection(benchmarksDoc(report, values.note), previous, CLUSTER_SECTION));
    progress(`wrote ${DOCS_FILE}`);
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
