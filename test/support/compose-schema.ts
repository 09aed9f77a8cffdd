// The Compose specification's JSON schema, as the reference implementation (compose-spec/compose-go,
// which Docker Compose is built on) ships it: fetched through the Go module proxy into Go's module
// cache on first use, never copied into this repository.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { findOnPath } from '../../src/toolchain/commands';

const run = promisify(execFile);

/** The compose-go release whose schema the deployment files are checked against. */
export const COMPOSE_GO_MODULE = 'github.com/compose-spec/compose-go/v2@v2.16.2';

export async function composeSpecSchema(): Promise<Record<string, unknown>> {
  const go = findOnPath('go');
  if (go === null) throw new Error(`Go is needed to fetch the Compose schema (${COMPOSE_GO_MODULE}) from the Go module proxy: install Go`);
  const { stdout } = await run(go, ['mod', 'download', '-json', COMPOSE_GO_MODULE], { maxBuffer: 2 ** 20 });
  const { Dir, Error: problem } = JSON.parse(stdout) as { Dir?: string; Error?: string };
  if (!Dir) throw new Error(`go mod download ${COMPOSE_GO_MODULE} failed: ${problem ?? stdout}`);
  return JSON.parse(await readFile(join(Dir, 'schema', 'compose-spec.json'), 'utf8')) as Record<string, unknown>;
}
