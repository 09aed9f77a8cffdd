// `npm run dev`: the whole of ARO on one machine with embedded defaults — PostgreSQL and the
// Temporal dev server (data under .data/), the worker, the API in dev mode and a demo tenant.
// DATABASE_URL and TEMPORAL_ADDRESS switch to external servers. Ctrl-C stops everything.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime } from '@temporalio/worker';
import { z } from 'zod';
import { startApi } from '../src/api/main';
import { loadConfig } from '../src/config';
import { applyMigrations } from '../src/db/migrate';
import { createPrisma } from '../src/db/prisma';
import { devOperatorKey } from '../src/tenants/operator-key';
import { startPostgres } from '../src/toolchain/embedded-postgres';
import { registerSearchAttributes } from '../src/toolchain/search-attributes';
import { ensureTemporalCli } from '../src/toolchain/temporal-cli';
import { startTemporalDevServer } from '../src/toolchain/temporal-dev-server';
import { runWorkers } from '../worker';
import { demoTenant, previousState, type LocalState } from './demo-tenant';
import { portSetting, sharedLocalSettings } from './local-settings';
import { stopInOrderOnSignals } from './stop-in-order';

/** Settings of the embedded servers; everything else is in src/config.ts. */
const devSettings = z.object({
  ARO_DEV_PG_PORT: portSetting.default(5433),
  ARO_DEV_TEMPORAL_PORT: portSetting.default(7233),
  ARO_DEV_TEMPORAL_UI_PORT: portSetting.default(8233),
  ...sharedLocalSettings,
});
const settings = devSettings.parse(process.env);
const DATA_DIR = path.resolve(settings.ARO_DEV_DATA_DIR);
const STATE_FILE = path.join(DATA_DIR, 'dev.json');

async function main(): Promise<void> {
  const { stops, stopAll } = stopInOrderOnSignals('aro-dev');

  try {
    await mkdir(DATA_DIR, { recursive: true, mode: 0o755 });
    let databaseUrl = process.env.DATABASE_URL;
    if (!databaseUrl) {
      const pg = await startPostgres({ dataDir: path.join(DATA_DIR, 'postgres'), port: settings.ARO_DEV_PG_PORT });
      stops.push(pg.stop);
      databaseUrl = pg.databaseUrl;
    }
    const applied = await applyMigrations(databaseUrl);
    if (applied.length > 0) console.log(`[aro-dev] applied migrations: ${applied.join(', ')}`);

    let temporalAddress = process.env.TEMPORAL_ADDRESS;
    let temporalUiUrl: string | null = null;
    if (!temporalAddress) {
      const temporal = await startTemporalDevServer({
        cliPath: await ensureTemporalCli(),
        port: settings.ARO_DEV_TEMPORAL_PORT,
        uiPort: settings.ARO_DEV_TEMPORAL_UI_PORT,
        dbFile: path.join(DATA_DIR, 'temporal.sqlite'),
        namespace: 'default',
      });
      stops.push(temporal.stop);
      temporalAddress = temporal.address;
      temporalUiUrl = temporal.uiUrl;
    }

    const previous = await previousState<LocalState>(STATE_FILE);
    const operatorKey = devOperatorKey(process.env.ARO_OPERATOR_KEY, previous.operatorKey);
    const config = loadConfig({
      ...process.env,
      DATABASE_URL: databaseUrl,
      TEMPORAL_ADDRESS: temporalAddress,
      ARO_DEV_MODE: '1',
      ARO_OPERATOR_KEY: operatorKey,
    });
    const db = createPrisma(databaseUrl);
    stops.push(() => db.$disconnect());
    const connection = await Connection.connect({ address: temporalAddress });
    stops.push(() => connection.close());
    if (process.env.TEMPORAL_ADDRESS) {
      // An external server may not know ARO's search attributes yet; registering is idempotent.
      await registerSearchAttributes(connection, config.TEMPORAL_NAMESPACE).catch((err) =>
        console.warn(`[aro-dev] could not register search attributes: ${err instanceof Error ? err.message : err}`),
      );
    }
    const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });

    const tenant = await demoTenant(db, settings.ARO_DEV_DEMO_TIMEZONE, previous.demoTenant?.apiKey);

    // Ctrl-C stops the worker supervisors (below), which stop their Workers; Temporal's runtime doing
    // it behind their back would read as failures to restart.
    Runtime.install({ shutdownSignals: [] });
    const nativeConnection = await NativeConnection.connect({ address: temporalAddress });
    stops.push(() => nativeConnection.close());
    const workers = await runWorkers({ config, db, connection: nativeConnection });
    stops.push(() => workers.shutdown());

    // In one process the API's /readyz and /metrics also cover the workers.
    const api = await startApi({ config, db, temporal: client, workers, port: config.ARO_API_PORT, host: '127.0.0.1' });
    stops.push(() => api.close());

    const state: LocalState = { apiUrl: api.url, temporalAddress, temporalUiUrl, databaseUrl, operatorKey, demoTenant: tenant };
    await writeFile(STATE_FILE, JSON.stringify(state, null, 2) + '\n', { mode: 0o600 });
    console.log(
      [
        '',
        'ARO is running (Ctrl-C stops it):',
        `  API            ${api.url}   (dev replies: POST ${api.url}/dev/inbound/${tenant.id})`,
        `  Temporal       ${temporalAddress}${temporalUiUrl ? `   Web UI ${temporalUiUrl}` : ''}`,
        `  PostgreSQL     ${databaseUrl}`,
        `  GraphQL        ${api.url}/graphql   (operator key ${operatorKey})`,
        `  demo tenant    ${tenant.id} (${tenant.timeZone})`,
        `    API key        ${tenant.apiKey}`,
        `    webhook secret ${tenant.webhookSecret}`,
        `  all of it in   ${path.relative(process.cwd(), STATE_FILE) || STATE_FILE}`,
        `  book a demo appointment: node dist/scripts/demo-booking.js +14155550123`,
        '',
      ].join('\n'),
    );
    await workers.done;
  } catch (err) {
    console.error(`[aro-dev] ${err instanceof Error ? err.stack ?? err.message : err}`);
    await stopAll();
    process.exit(1);
  }
}

void main();
