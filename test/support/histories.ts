// Recorded workflow histories: written by `npm run record:histories`, replayed by every test run
// so that a change to workflow code that breaks running appointments fails at once.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';

/** test/histories in the source tree (this file runs from dist/test/support). */
export const HISTORIES_DIR = path.resolve(__dirname, '../../../test/histories');

export async function recordHistory(name: string, handle: WorkflowHandle): Promise<void> {
  const history = await handle.fetchHistory();
  await fs.mkdir(HISTORIES_DIR, { recursive: true });
  await fs.writeFile(path.join(HISTORIES_DIR, `${name}.json`), historyToJSON(history) + '\n');
}

export async function recordedHistories(): Promise<{ name: string; history: unknown }[]> {
  const files = (await fs.readdir(HISTORIES_DIR)).filter((f) => f.endsWith('.json')).sort();
  return Promise.all(
    files.map(async (f) => ({ name: f, history: JSON.parse(await fs.readFile(path.join(HISTORIES_DIR, f), 'utf8')) })),
  );
}
