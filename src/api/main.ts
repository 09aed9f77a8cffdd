// Starts the HTTP API (webhooks, dev replies, probes, metrics); run directly, it is `npm run api`.
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Connection } from '@temporalio/client';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { loadConfig } from '../config';
import { createPrisma } from '../db/prisma';
import { NestLogger } from '../telemetry/log-adapters';
import { log, setLogLevel } from '../telemetry/logger';
import { startTracing } from '../telemetry/tracing';
import { aroTemporalClient } from '../temporal/aro-client';
import { requirePayloadEncryption } from '../temporal/data-converter';
import { createAppModule, type ApiDeps } from './app.module';
import { CODEC_PATH } from './codec/codec.controller';
import { GRAPHQL_PATH } from './graphql/clinic-graphql';
import { ClinicStream, GRAPHQL_STREAM_PATH } from './graphql/clinic-stream';
import { parsedBodyRules } from './http/json-body';
import { BOOKING_WEBHOOK_PATH } from './webhooks/booking-webhook.controller';
import { serveWebApp } from './web-app/web-app';

/** Generous for any webhook or JSON request ARO takes, small enough that a flood costs little memory. */
const BODY_LIMIT = '256kb';
/** A codec call carries a page of a workflow's history; Temporal's own gRPC messages stop at 4 MB. */
const CODEC_BODY_LIMIT = '6mb';

export interface RunningApi {
  url: string;
  close(): Promise<void>;
}

export interface StartApiOptions extends ApiDeps {
  /** Defaults to ARO_API_PORT; 0 picks a free port. */
  port?: number;
  host?: string;
}

/** The caller owns the database and Temporal connections: close() stops the HTTP server only. */
export async function startApi({ port, host, ...deps }: StartApiOptions): Promise<RunningApi> {
  const app = await NestFactory.create<NestExpressApplication>(createAppModule(deps), {
    bodyParser: false,
    rawBody: true,
    // A module that cannot be built throws to the caller rather than exiting the process: `npm run dev`
    // must get to stop the PostgreSQL and Temporal servers it started.
    abortOnError: false,
    // At this API's own level: several APIs share a process in the tests.
    logger: new NestLogger(log.child({ component: 'api' }, { level: deps.config.ARO_LOG_LEVEL })),
  });
  // The booking signature covers the exact bytes sent, so that route reads them raw whatever the
  // Content-Type, and it checks tenant and signature before the body is ever parsed as JSON.
  app.useBodyParser('raw', { type: isBookingWebhook, limit: BODY_LIMIT });
  // Parsed first, so the general JSON parser's limit below leaves these bodies alone.
  app.useBodyParser('json', { type: isCodecCall, limit: CODEC_BODY_LIMIT });
  app.useBodyParser('json', { limit: BODY_LIMIT });
  // Twilio's webhooks are forms; their signature covers the parsed fields, not the raw bytes.
  app.useBodyParser('urlencoded', { extended: false, limit: BODY_LIMIT });
  app.use(parsedBodyRules(GRAPHQL_PATH));
  // Before the GraphQL module's own /graphql route, which would otherwise take /graphql/stream too.
  app.use(GRAPHQL_STREAM_PATH, (req: IncomingMessage, res: ServerResponse) => app.get(ClinicStream).handle(req, res));
  serveWebApp(app, { devMode: deps.config.ARO_DEV_MODE });
  await app.listen(port ?? deps.config.ARO_API_PORT, host ?? '0.0.0.0');
  return { url: await app.getUrl(), close: () => app.close() };
}

function isBookingWebhook(req: IncomingMessage): boolean {
  return req.url?.startsWith(`/${BOOKING_WEBHOOK_PATH}/`) ?? false;
}

function isCodecCall(req: IncomingMessage): boolean {
  return (req.url?.startsWith(`/${CODEC_PATH}/`) ?? false) && (req.headers['content-type']?.startsWith('application/json') ?? false);
}

async function main(): Promise<void> {
  const config = loadConfig();
  setLogLevel(config.ARO_LOG_LEVEL);
  if (!config.DATABASE_URL) throw new Error('DATABASE_URL is required to run the API');
  requirePayloadEncryption(config);
  const tracing = startTracing(config, 'aro-api');
  const db = createPrisma(config.DATABASE_URL, config);
  await db.$connect();
  const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  const temporal = aroTemporalClient(config, connection, tracing);
  const api = await startApi({ config, db, temporal });
  log.info({ component: 'api', url: api.url }, `listening on ${api.url}`);

  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info({ component: 'api', signal }, `${signal}: finishing requests in flight, then stopping`);
    await api.close();
    await tracing?.shutdown();
    await connection.close();
    await db.$disconnect();
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      stop(signal).catch((err) => {
        log.error({ component: 'api', err }, 'shutdown failed');
        process.exitCode = 1;
      });
    });
  }
}

if (require.main === module) {
  main().catch((err) => {
    log.fatal({ component: 'api', err }, 'failed to start');
    process.exit(1);
  });
}
