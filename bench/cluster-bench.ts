// `npm run bench:cluster`: throughput on the dev server and on a Temporal cluster with one and two ARO
// worker processes, in one run (docs/benchmarks.md, "On a Temporal cluster").
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CLUSTER_SECTION, clusterSection, clusterTextReport } from './cluster-report';
import { runClusterBench } from './cluster-run';
import { commandOptions } from './command-line';
import { withSection } from './doc-sections';
import { BENCH_SIZES } from './sizes';

const DOCS_FILE = join(__dirname, '..', '..', 'docs', 'benchmarks.md');
const USAGE = 'Usage: npm run bench:cluster -- [--size full|small|tiny] [--json] [--write-docs [--note "…"]]';

async function main(): Promise<void> {
  const values = commandOptions(USAGE, {
    size: { type: 'string', default: 'small' },
    json: { type: 'boolean', default: false },
    'write-docs': { type: 'boolean', default: false },
    note: { type: 'string' },
  });
  const sizeName = values.size!;
  if (!(sizeName in BENCH_SIZES)) throw new Error(`--size must be one of ${Object.keys(BENCH_SIZES).join(', ')}, not ${JSON.stringify(sizeName)}`);
  const started = Date.now();
  const progress = (line: string) => process.stderr.write(`[bench:cluster ${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}\n`);
  const report = await runClusterBench(BENCH_SIZES[sizeName as keyof typeof BENCH_SIZES], progress);
  process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : clusterTextReport(report));
  if (values['write-docs']) {
    const doc = await readFile(DOCS_FILE, 'utf8');
    await writeFile(DOCS_FILE, withSection(doc, CLUSTER_SECTION, clusterSection(report, values.note)));
    progress(`wrote the cluster section of ${DOCS_FILE}`);
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
