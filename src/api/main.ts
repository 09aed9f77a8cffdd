// Starts the HTTP API (webhooks, dev replies, probes, metrics); run directly, it is `npm run api`.
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Client, Connection } from '@temporalio/client';
import type { IncomingMessage } from 'node:http';
import { loadConfig } from '../config';
import { createPrisma } from '../db/prisma';
import { NestLogger } from '../telemetry/log-adapters';
import { log, setLogLevel } from '../telemetry/logger';
import { startTracing, tracingClientInterceptors } from '../telemetry/tracing';
import { createAppModule, type ApiDeps } from './app.module';
import { GRAPHQL_PATH } from './graphql/clinic-graphql';
import { parsedBodyRules } from './http/json-body';
import { BOOKING_WEBHOOK_PATH } from './webhooks/booking-webhook.controller';

/** Generous for any webhook or JSON request ARO takes, small enough that a flood costs little memory. */
const BODY_LIMIT = '256kb';

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
    // At this API's own level: several APIs share a process in the tests.
    logger: new NestLogger(log.child({ component: 'api' }, { level: deps.config.ARO_LOG_LEVEL })),
  });
  // The booking signature covers the exact bytes sent, so that route reads them raw whatever the
  // Content-Type, and it checks tenant and signature before the body is ever parsed as JSON.
  app.useBodyParser('raw', { type: isBookingWebhook, limit: BODY_LIMIT });
  app.useBodyParser('json', { limit: BODY_LIMIT });
  // Twilio's webhooks are forms; their signature covers the parsed fields, not the raw bytes.
  app.useBodyParser('urlencoded', { extended: false, limit: BODY_LIMIT });
  app.use(parsedBodyRules(GRAPHQL_PATH));
  await app.listen(port ?? deps.config.ARO_API_PORT, host ?? '0.0.0.0');
  return { url: await app.getUrl(), close: () => app.close() };
}

function isBookingWebhook(req: IncomingMessage): boolean {
  return req.url?.startsWith(`/${BOOKING_WEBHOOK_PATH}/`) ?? false;
}

async function main(): Promise<void> {
  const config = loadConfig();
  setLogLevel(config.ARO_LOG_LEVEL);
  if (!config.DATABASE_URL) throw new Error('DATABASE_URL is required to run the API');
  const tracing = startTracing(config, 'aro-api');
  const db = createPrisma(config.DATABASE_URL, config);
  await db.$connect();
  const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  const temporal = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, interceptors: tracingClientInterceptors() });
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
