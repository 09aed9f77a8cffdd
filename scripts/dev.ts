// `npm run dev`: the whole of ARO on one machine with embedded defaults — PostgreSQL and the
// Temporal dev server (data under .data/), the worker, the API in dev mode and a demo tenant.
// DATABASE_URL and TEMPORAL_ADDRESS switch to external servers. Ctrl-C stops everything.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { z } from 'zod';
import { startApi } from '../src/api/main';
import { WEB_APP_PATH } from '../src/api/web-app/web-app';
import { loadConfig } from '../src/config';
import { applyMigrations } from '../src/db/migrate';
import { createPrisma } from '../src/db/prisma';
import { log, setLogLevel } from '../src/telemetry/logger';
import { installTemporalRuntime } from '../src/telemetry/temporal-runtime';
import { startTracing } from '../src/telemetry/tracing';
import { aroTemporalClient } from '../src/temporal/aro-client';
import { devOperatorKey } from '../src/tenants/operator-key';
import { startPostgres } from '../src/toolchain/embedded-postgres';
import { generatePayloadKey } from '../src/temporal/payload-codec';
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

interface DevState extends LocalState {
  /** The clinic web app; sign in with demoTenant.apiKey. */
  appUrl: string;
  /** ARO_PAYLOAD_KEYS: generated once and kept here, as workflows written under a key need it to be read. */
  payloadKeys: string;
  /** The API's remote codec, which the Web UI and `temporal workflow show --codec-endpoint` decode payloads through. */
  codecUrl: string;
}

async function main(): Promise<void> {
  // The full settings are read once the embedded servers are up; the log level (and a bad setting) is known now.
  setLogLevel(loadConfig().ARO_LOG_LEVEL);
  const { stops, stopAll } = stopInOrderOnSignals('dev');

  try {
    await mkdir(DATA_DIR, { recursive: true, mode: 0o755 });
    let databaseUrl = process.env.DATABASE_URL;
    if (!databaseUrl) {
      const pg = await startPostgres({ dataDir: path.join(DATA_DIR, 'postgres'), port: settings.ARO_DEV_PG_PORT });
      stops.push(pg.stop);
      databaseUrl = pg.databaseUrl;
    }
    const applied = await applyMigrations(databaseUrl);
    if (applied.length > 0) log.info({ component: 'dev', migrations: applied }, `applied migrations: ${applied.join(', ')}`);

    // The Web UI is told where the codec is before the API starts.
    const codecUrl = `http://127.0.0.1:${loadConfig().ARO_API_PORT}/codec`;
    let temporalAddress = process.env.TEMPORAL_ADDRESS;
    let temporalUiUrl: string | null = null;
    if (!temporalAddress) {
      const temporal = await startTemporalDevServer({
        cliPath: await ensureTemporalCli(),
        port: settings.ARO_DEV_TEMPORAL_PORT,
        uiPort: settings.ARO_DEV_TEMPORAL_UI_PORT,
        uiCodecEndpoint: codecUrl,
        dbFile: path.join(DATA_DIR, 'temporal.sqlite'),
        namespace: 'default',
      });
      stops.push(temporal.stop);
      temporalAddress = temporal.address;
      temporalUiUrl = temporal.uiUrl;
    }

    const previous = await previousState<DevState>(STATE_FILE);
    const operatorKey = devOperatorKey(process.env.ARO_OPERATOR_KEY, previous.operatorKey);
    const payloadKeys = process.env.ARO_PAYLOAD_KEYS || previous.payloadKeys || generatePayloadKey('dev-1');
    const uiOrigins = [`http://127.0.0.1:${settings.ARO_DEV_TEMPORAL_UI_PORT}`, `http://localhost:${settings.ARO_DEV_TEMPORAL_UI_PORT}`];
    const config = loadConfig({
      ...process.env,
      DATABASE_URL: databaseUrl,
      TEMPORAL_ADDRESS: temporalAddress,
      ARO_DEV_MODE: '1',
      ARO_OPERATOR_KEY: operatorKey,
      ARO_PAYLOAD_KEYS: payloadKeys,
      ARO_CODEC_CORS_ORIGINS: process.env.ARO_CODEC_CORS_ORIGINS || uiOrigins.join(','),
    });
    const tracing = startTracing(config, 'aro-dev');
    if (tracing) stops.push(() => tracing.shutdown());
    const db = createPrisma(databaseUrl);
    stops.push(() => db.$disconnect());
    const connection = await Connection.connect({ address: temporalAddress });
    stops.push(() => connection.close());
    if (process.env.TEMPORAL_ADDRESS) {
      // An external server may not know ARO's search attributes yet; registering is idempotent.
      await registerSearchAttributes(connection, config.TEMPORAL_NAMESPACE).catch((err) =>
        log.warn({ component: 'dev', err }, 'could not register search attributes'),
      );
    }
    const client = aroTemporalClient(config, connection, tracing);

    const tenant = await demoTenant(db, settings.ARO_DEV_DEMO_TIMEZONE, previous.demoTenant?.apiKey);

    const sdkMetrics = await installTemporalRuntime(config);
    const nativeConnection = await NativeConnection.connect({ address: temporalAddress });
    stops.push(() => nativeConnection.close());
    const workers = await runWorkers({ config, db, connection: nativeConnection, tracing });
    stops.push(() => workers.shutdown());

    // In one process the API's /readyz and /metrics also cover the workers.
    const api = await startApi({ config, db, temporal: client, workers, sdkMetrics, port: config.ARO_API_PORT, host: '127.0.0.1' });
    stops.push(() => api.close());

    const appUrl = `${api.url}${WEB_APP_PATH}/`;
    const state: DevState = {
      apiUrl: api.url,
      appUrl,
      temporalAddress,
      temporalUiUrl,
      databaseUrl,
      operatorKey,
      payloadKeys,
      codecUrl,
      demoTenant: tenant,
    };
    await writeFile(STATE_FILE, JSON.stringify(state, null, 2) + '\n', { mode: 0o600 });
    console.log(
      [
        '',
        'ARO is running (Ctrl-C stops it):',
        `  Web app        ${appUrl}   (sign in with the demo tenant's API key; Patient phone plays replies)`,
        `  API            ${api.url}   (dev replies: POST ${api.url}/dev/inbound/${tenant.id})`,
        `  Temporal       ${temporalAddress}${temporalUiUrl ? `   Web UI ${temporalUiUrl}` : ''}`,
        `  PostgreSQL     ${databaseUrl}`,
        `  GraphQL        ${api.url}/graphql   (operator key ${operatorKey})`,
        `  codec          ${codecUrl}   (payloads are encrypted; to read them in the Web UI sign in at ${codecUrl}/sign-in)`,
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
    log.fatal({ component: 'dev', err }, 'ARO could not start');
    await stopAll();
    process.exit(1);
  }
}

void main();
