// Recorded workflow histories: written by `npm run record:histories`, replayed by every test run
// so that a change to workflow code that breaks running appointments fails at once. Stored as
// protobuf binary (Temporal's own encoding): the JSON helper of @temporalio/common cannot encode
// with the protobufjs copy npm installs beside it.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

const History = temporal.api.history.v1.History;

/** test/histories in the source tree (this file runs from dist/test/support). */
export const HISTORIES_DIR = path.resolve(__dirname, '../../../test/histories');

export async function recordHistory(name: string, handle: WorkflowHandle): Promise<void> {
  const history = await handle.fetchHistory();
  await fs.mkdir(HISTORIES_DIR, { recursive: true });
  await fs.writeFile(path.join(HISTORIES_DIR, `${name}.binpb`), History.encode(history).finish());
}

export async function recordedHistories(): Promise<{ name: string; history: temporal.api.history.v1.IHistory }[]> {
  const files = (await fs.readdir(HISTORIES_DIR)).filter((f) => f.endsWith('.binpb')).sort();
  return Promise.all(
    files.map(async (f) => ({ name: f, history: History.decode(await fs.readFile(path.join(HISTORIES_DIR, f))) })),
  );
}
