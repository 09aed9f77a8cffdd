// Provides the local toolchain (Temporal CLI, time-skipping test server, PostgreSQL binaries) and says where it is.
import { dirname } from 'node:path';
import { ensureTemporalCli } from '../src/toolchain/temporal-cli';
import { ensureTestServer } from '../src/toolchain/test-server';
import { postgresBinaries } from '../src/toolchain/embedded-postgres';
import { isExecutableFile } from '../src/toolchain/commands';

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
  // Building or fetching a tool announces itself on stderr; with everything present, --quiet says nothing.
  if (quiet) return;
  process.stdout.write(
    [
      `Temporal CLI:          ${temporalCli}`,
      `Temporal test server:  ${testServer}`,
      `PostgreSQL binaries:   ${dirname(postgres.postgres)}`,
      '',
    ].join('\n'),
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`setup failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
