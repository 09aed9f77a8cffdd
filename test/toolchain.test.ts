// The servers tests rely on actually start and answer: PostgreSQL, the Temporal dev server, the time-skipping server;
// and a server that fails at start-up is reported with why.
import assert from 'node:assert/strict';
import { mkdtemp, chmod, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { Client } from 'pg';
import { SupervisedAroProcess } from '../src/toolchain/aro-processes';
import { startPostgres } from '../src/toolchain/embedded-postgres';
import { freePort } from '../src/toolchain/free-port';
import { startTemporalDevServer } from '../src/toolchain/temporal-dev-server';
import { searchAttributes } from '../src/workflows/contracts';
import { createTimeSkippingEnv, startTestDatabase, startTestTemporal } from './support/servers';

async function query<T extends Record<string, unknown>>(databaseUrl: string, sql: string): Promise<T[]> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('toolchain', function () {
  // The first run on a machine may build the Temporal CLI or fetch the test server.
  this.timeout(600_000);

  it('starts a migrated PostgreSQL database', async () => {
    const database = await startTestDatabase();
    try {
      assert.deepEqual(await query(database.databaseUrl, 'SELECT 1 AS one'), [{ one: 1 }]);
      const applied = await query<{ count: string }>(database.databaseUrl, 'SELECT count(*) FROM "_prisma_migrations"');
      assert.ok(Number(applied[0].count) > 0, 'no migration recorded');
    } finally {
      await database.stop();
    }
  });

  it('keeps PostgreSQL data across a restart of the same data directory', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'aro-pg-restart-'));
    await chmod(dir, 0o755); // entered by the `postgres` user when tests run as root
    try {
      const options = { dataDir: join(dir, 'data'), port: await freePort() };
      const first = await startPostgres(options);
      await query(first.databaseUrl, 'CREATE TABLE kept (id int); INSERT INTO kept VALUES (42)');
      await first.stop();
      const second = await startPostgres(options);
      try {
        assert.deepEqual(await query(second.databaseUrl, 'SELECT id FROM kept'), [{ id: 42 }]);
      } finally {
        await second.stop();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('starts the Temporal dev server with ARO search attributes registered', async () => {
    const temporal = await startTestTemporal();
    try {
      const connection = await Connection.connect({ address: temporal.address });
      try {
        const described = await connection.workflowService.describeNamespace({ namespace: temporal.namespace });
        assert.equal(described.namespaceInfo?.name, temporal.namespace);
        const listed = await connection.operatorService.listSearchAttributes({ namespace: temporal.namespace });
        for (const { name } of Object.values(searchAttributes)) {
          assert.ok(name in (listed.customAttributes ?? {}), `search attribute ${name} is not registered`);
        }
      } finally {
        await connection.close();
      }
    } finally {
      await temporal.stop();
    }
  });

  it('skips two days of time in the time-skipping test server', async () => {
    const env = await createTimeSkippingEnv();
    try {
      const before = await env.currentTimeMs();
      const wallStart = Date.now();
      await env.sleep('2 days');
      assert.ok((await env.currentTimeMs()) - before >= 2 * 24 * 3600_000, 'server time did not advance two days');
      assert.ok(Date.now() - wallStart < 10_000, 'time was not skipped');
    } finally {
      await env.teardown();
    }
  });

  it('accepts ARO search attributes in the time-skipping test server', async () => {
    const env = await createTimeSkippingEnv();
    try {
      // The server rejects a start carrying unregistered attributes, just as it rejects such an
      // upsert from a workflow; no worker is needed to see it.
      const handle = await env.client.workflow.start('appointmentLifecycle', {
        taskQueue: 'toolchain-test-no-worker',
        workflowId: 'toolchain-search-attributes',
        typedSearchAttributes: [
          { key: searchAttributes.tenantId, value: 'tenant-1' },
          { key: searchAttributes.status, value: 'scheduled' },
          { key: searchAttributes.startsAt, value: new Date('2030-01-02T03:04:05Z') },
          { key: searchAttributes.needsAttention, value: false },
        ],
      });
      const described = await handle.describe();
      assert.equal(described.typedSearchAttributes.get(searchAttributes.tenantId), 'tenant-1');
      assert.equal(described.typedSearchAttributes.get(searchAttributes.needsAttention), false);
      await handle.terminate('toolchain test done');
    } finally {
      await env.teardown();
    }
  });
});

describe('supervised ARO processes', function () {
  this.timeout(60_000);

  it('gives up on a process that keeps exiting before it is ready, and says why', async () => {
    const logDir = await mkdtemp(join(tmpdir(), 'aro-supervised-'));
    // A DATABASE_URL that is no URL: the worker refuses its settings every time — restarting cannot mend it.
    const env = { DATABASE_URL: '', ARO_WORKER_HTTP_PORT: String(await freePort()), ARO_ALLOW_PLAINTEXT_PAYLOADS: '1' };
    const worker = new SupervisedAroProcess('worker', env, logDir, 'worker-without-database');
    try {
      await assert.rejects(worker.start(), (err: Error) => {
        assert.match(err.message, /worker-without-database process exited 3 times in a row before it was ready/);
        assert.match(err.message, /invalid configuration: DATABASE_URL/);
        return true;
      });
      assert.equal(worker.unexpectedExits.length, 3);
    } finally {
      await worker.stop();
      await rm(logDir, { recursive: true, force: true });
    }
  });
});

describe('a Temporal dev server that exits while starting', function () {
  this.timeout(60_000);

  it('is started once more, then refused with the first lines it wrote (why it stopped) as well as its last', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'aro-panicking-temporal-'));
    // Stands in for the CLI: panics at start-up as the dev server does when a port it picked was taken,
    // a message and then a long goroutine dump, and counts its starts.
    const cli = join(dir, 'temporal');
    const starts = join(dir, 'starts');
    await writeFile(
      cli,
      `#!/bin/sh\necho start >> '${starts}'\necho 'panic: listen tcp 127.0.0.1:7233: bind: address already in use' >&2\n` +
        `i=0; while [ $i -lt 200 ]; do echo "goroutine line $i" >&2; i=$((i+1)); done\necho 'the last words' >&2\nexit 2\n`,
    );
    await chmod(cli, 0o755);
    try {
      await assert.rejects(
        startTemporalDevServer({ cliPath: cli, port: await freePort(), uiPort: null, namespace: 'default', startTimeoutMs: 20_000 }),
        (err: Error) => {
          assert.match(err.message, /exited \(exit status 2\)/);
          assert.match(err.message, /panic: listen tcp 127\.0\.0\.1:7233: bind: address already in use/);
          assert.match(err.message, /the last words/);
          assert.ok(!err.message.includes('goroutine line 100\n'), 'the middle of the dump is left out');
          return true;
        },
      );
      assert.equal((await readFile(starts, 'utf8')).trim().split('\n').length, 2, 'started twice');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
