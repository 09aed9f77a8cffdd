// Provides the local toolchain (Temporal CLI, time-skipping test server, PostgreSQL binaries) and says where it is;
// with --cluster also the real Temporal server, its sql tool and the Web UI server that `npm run cluster` runs.
import { dirname } from 'node:path';
import { ensureTemporalCli } from '../src/toolchain/temporal-cli';
import { ensureTestServer } from '../src/toolchain/test-server';
import { postgresBinaries } from '../src/toolchain/embedded-postgres';
import { isExecutableFile } from '../src/toolchain/commands';
import { ensureTemporalServer, ensureTemporalUiServer, postgresSchemaDir } from '../src/toolchain/temporal-server';

async function main(): Promise<void> {
  const quiet = process.argv.includes('--quiet');
  const temporalCli = await ensureTemporalCli();
  const testServer = await ensureTestServer();
  const postgres = postgresBinaries();
  for (const binary of [postgres.initdb, postgres.postgres]) {
    if (!isExecutableFile(binary)) {
      throw new Error(
        `PostgreSQL binary ${binary} is missing or not executable; ` +
          `its package's install script may not have run (see "allowScripts" in package.json)`,
      );
    }
  }
  const lines = [
    `Temporal CLI:          ${temporalCli}`,
    `Temporal test server:  ${testServer}`,
    `PostgreSQL binaries:   ${dirname(postgres.postgres)}`,
  ];
  if (process.argv.includes('--cluster')) {
    // Built side by side: the server takes about 10 minutes on 2 cores the first time, the UI less.
    const [server, ui, schemas] = await Promise.all([ensureTemporalServer(), ensureTemporalUiServer(), postgresSchemaDir()]);
    lines.push(
      `Temporal server:       ${server.server}`,
      `Temporal sql tool:     ${server.sql}`,
      `Temporal Web UI:       ${ui}`,
      `Temporal SQL schemas:  ${schemas}`,
    );
  }
  // Building or fetching a tool announces itself on stderr; with everything present, --quiet says nothing.
  if (quiet) return;
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`setup failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
