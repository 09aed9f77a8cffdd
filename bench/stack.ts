// What one benchmark run stands on: its own PostgreSQL and Temporal dev server, ARO's API and workers and
// the bare baseline worker as separate processes, and bench tenants made through ARO's own contracts
// (GraphQL for the tenant and its policy, the operator CLI for its plan).
import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { loadConfig } from '../src/config';
import { createPrisma, type Db } from '../src/db/prisma';
import { aroDataConverter } from '../src/temporal/data-converter';
import { generatePayloadKey } from '../src/temporal/payload-codec';
import { ensureTemporalCli } from '../src/toolchain/temporal-cli';
import { CLUSTER_MAX_CONNECTIONS } from '../src/toolchain/temporal-cluster';
import { TEMPORAL_SERVER_VERSION } from '../src/toolchain/temporal-server';
import { startThrowawayDatabase, startThrowawayTemporal, startThrowawayTemporalCluster } from '../src/toolchain/throwaway-servers';
import { graphqlClient } from '../test/support/graphql-client';
import { bookingSignature } from '../test/support/signing';
import { startBenchProcess, type BenchProcess } from './processes';
import { waitUntil } from './waiting';

const run = promisify(execFile);

/** A policy as `updatePolicy` takes it (GraphQL PolicyInput). */
export type PolicyInput = Record<string, unknown>;

export interface BenchTenant {
  id: string;
  apiKey: string;
  webhookSecret: string;
}

export interface BookingRequest {
  externalId: string;
  startsAt: Date;
  phone: string;
  type?: 'appointment.created' | 'appointment.checked_in';
}

export interface BenchStack {
  apiUrl: string;
  db: Db;
  /** ARO's client: it encrypts payloads as the API and the worker do. */
  temporal: Client;
  /** The bare baseline's client: no codec, as the bare worker has none (bare Temporal). */
  bareTemporal: Client;
  temporalVersion: string;
  /** The Temporal dev server's process id, for its CPU time and peak RSS (on a cluster: the history service's). */
  temporalPid: number;
  processes: { api: BenchProcess; aroWorker: BenchProcess; bareWorker: BenchProcess };
  /** ARO worker processes beside processes.aroWorker (BenchStackOptions.aroWorkers above 1). */
  moreAroWorkers: BenchProcess[];
  /** An enterprise-plan clinic in UTC, on the dev messaging provider, with `policy` over the defaults. */
  createTenant(name: string, policy: PolicyInput): Promise<BenchTenant>;
  /** POSTs one signed booking event; answers the HTTP status. */
  postBooking(tenant: BenchTenant, booking: BookingRequest): Promise<number>;
  /** Plays a patient's SMS reply through POST /dev/inbound; answers the HTTP status. */
  postReply(tenant: BenchTenant, from: string, body: string): Promise<number>;
  /** A patient phone number no other appointment of the run has: replies are routed by phone. */
  newPhone(): string;
  /** The first answer ARO gave to a request it did not take, per endpoint and status: what went wrong. */
  refusals: Map<string, string>;
  stop(): Promise<void>;
}

export const workflowIdOf = (tenantId: string, externalId: string): string => `appt:${tenantId}:${externalId}`;

/** How long one HTTP request may take before the load generator counts it as a timeout. */
const REQUEST_TIMEOUT_MS = 60_000;
/** Enough of a refusal's body to say why. */
const REFUSAL_EXCERPT_CHARS = 300;

const RETRIES_ON_5XX = 5;

/**
 * Sends until ARO takes the request, retrying a 5xx answer a few times after a pause as a booking system
 * would: for the few requests a scenario needs taken (warm-ups, the typical lifecycle), not for load.
 */
export async function untilTaken(send: () => Promise<number>): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    const status = await send();
    if (status < 500 || attempt === RETRIES_ON_5XX) return status;
    await sleep(attempt * 1000);
  }
}

/** Awaits parts started side by side; each one that started is stopped by `stops`, even when another failed. */
async function startedTogether<T extends readonly Promise<{ stop(): Promise<void> }>[]>(
  stops: (() => Promise<void>)[],
  starting: T,
): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  const settled = await Promise.allSettled(starting);
  for (const result of settled) if (result.status === 'fulfilled') stops.push(() => result.value.stop());
  const failed = settled.find((result) => result.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((result) => (result as PromiseFulfilledResult<unknown>).value) as { -readonly [K in keyof T]: Awaited<T[K]> };
}

export interface BenchStackOptions {
  /** `dev`: the Temporal dev server (one process, SQLite in memory); `cluster`: the real server's four services on PostgreSQL. */
  temporal: 'dev' | 'cluster';
  /** ARO worker processes. */
  aroWorkers: number;
  /** Where every process writes its CPU profiles when it stops (none when absent). */
  cpuProfileDir?: string;
}

/** Starts the whole system; `maxCachedWorkflows` must hold every workflow the run leaves open. */
export async function startBenchStack(
  maxCachedWorkflows: number,
  progress: (line: string) => void,
  options: BenchStackOptions = { temporal: 'dev', aroWorkers: 1 },
): Promise<BenchStack> {
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s();
  };
  try {
    let database: Awaited<ReturnType<typeof startThrowawayDatabase>>;
    let temporalServer: { address: string; namespace: string; pid: number };
    let temporalVersion: string;
    if (options.temporal === 'cluster') {
      progress('starting PostgreSQL, then the Temporal cluster beside it');
      [database] = await startedTogether(stops, [startThrowawayDatabase({ maxConnections: CLUSTER_MAX_CONNECTIONS })] as const);
      const [cluster] = await startedTogether(stops, [startThrowawayTemporalCluster(database)] as const);
      temporalServer = { address: cluster.address, namespace: cluster.namespace, pid: cluster.services.find((s) => s.name === 'history')!.pid };
      temporalVersion = `temporal server ${TEMPORAL_SERVER_VERSION} (frontend, history, matching and worker services on PostgreSQL)`;
    } else {
      progress('starting PostgreSQL and the Temporal dev server');
      const [devDatabase, devServer] = await startedTogether(stops, [startThrowawayDatabase(), startThrowawayTemporal()] as const);
      database = devDatabase;
      temporalServer = devServer;
      const { stdout } = await run(await ensureTemporalCli(), ['--version']);
      temporalVersion = stdout.trim();
    }
    const operatorKey = randomBytes(32).toString('hex');
    const env = {
      DATABASE_URL: database.databaseUrl,
      TEMPORAL_ADDRESS: temporalServer.address,
      TEMPORAL_NAMESPACE: temporalServer.namespace,
      ARO_DEV_MODE: '1',
      ARO_OPERATOR_KEY: operatorKey,
      // Payloads encrypted as in production: the figures include what encryption costs.
      ARO_PAYLOAD_KEYS: generatePayloadKey('bench'),
      ARO_LOG_LEVEL: 'error',
      ARO_TENANT_REFRESH_MS: '200',
      // Far from the limit: an open-loop backlog must not turn slow deliveries into refused signatures.
      ARO_WEBHOOK_TOLERANCE_SECONDS: '3600',
    };
    progress(`starting ARO (API and ${options.aroWorkers} worker process(es)) and the bare baseline worker`);
    const [api, aroWorker, bareWorker] = await startedTogether(stops, [
      startBenchProcess('api', env, 0, options.cpuProfileDir),
      startBenchProcess('aro', env, maxCachedWorkflows, options.cpuProfileDir),
      startBenchProcess('bare', env, maxCachedWorkflows, options.cpuProfileDir),
    ] as const);
    const moreAroWorkers = await startedTogether(
      stops,
      Array.from({ length: options.aroWorkers - 1 }, () => startBenchProcess('aro', env, maxCachedWorkflows, options.cpuProfileDir)),
    );
    const db = createPrisma(database.databaseUrl);
    stops.push(() => db.$disconnect());
    const connection = await Connection.connect({ address: temporalServer.address });
    stops.push(() => connection.close());
    const temporal = new Client({ connection, namespace: temporalServer.namespace, dataConverter: aroDataConverter(loadConfig(env)) });
    const bareTemporal = new Client({ connection, namespace: temporalServer.namespace });
    const apiUrl = api.url!;
    const refusals = new Map<string, string>();
    const answered = async (endpoint: string, res: Response): Promise<number> => {
      const body = await res.text();
      const key = `${endpoint} HTTP ${res.status}`;
      if (res.status >= 300 && !refusals.has(key)) refusals.set(key, body.slice(0, REFUSAL_EXCERPT_CHARS));
      return res.status;
    };
    let phonesGiven = 0;
    const newPhone = (): string => `+1555${String(1_000_000 + phonesGiven++)}`;
    const graphql = graphqlClient(apiUrl);

    const postBooking = async (tenant: BenchTenant, booking: BookingRequest): Promise<number> => {
      const rawBody = JSON.stringify({
        id: `evt-${randomUUID()}`,
        type: booking.type ?? 'appointment.created',
        occurredAt: new Date().toISOString(),
        appointment: {
          externalId: booking.externalId,
          startsAt: booking.startsAt.toISOString(),
          durationMinutes: 1,
          patient: { name: 'Pat Bench', phone: booking.phone, locale: 'en' },
        },
      });
      const res = await fetch(`${apiUrl}/webhooks/booking/${tenant.id}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-aro-signature': bookingSignature(tenant.webhookSecret, rawBody) },
        body: rawBody,
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      return answered('booking webhook', res);
    };

    const postReply = async (tenant: BenchTenant, from: string, body: string): Promise<number> => {
      const res = await fetch(`${apiUrl}/dev/inbound/${tenant.id}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ from, body }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      return answered('dev inbound', res);
    };

    const createTenant = async (name: string, policy: PolicyInput): Promise<BenchTenant> => {
      const created = await graphql(
        operatorKey,
        'mutation($input: CreateTenantInput!) { createTenant(input: $input) { tenant { id } apiKey webhookSecret } }',
        { input: { name, timeZone: 'UTC' } },
      );
      if (created.errors) throw new Error(`createTenant failed: ${JSON.stringify(created.errors)}`);
      const tenant: BenchTenant = {
        id: created.data.createTenant.tenant.id,
        apiKey: created.data.createTenant.apiKey,
        webhookSecret: created.data.createTenant.webhookSecret,
      };
      await run(process.execPath, [require.resolve('../src/cli/aro'), 'tenant', 'plan', '--id', tenant.id, '--plan', 'enterprise'], {
        env: { ...process.env, DATABASE_URL: database.databaseUrl },
      });
      // Before the bench policy: one booking proves the worker serves the new tenant's queue.
      const warmUp = `warm-up-${randomUUID()}`;
      const warmUpBooking = { externalId: warmUp, startsAt: new Date(Date.now() + 7 * 86_400_000), phone: newPhone() };
      const status = await untilTaken(() => postBooking(tenant, warmUpBooking));
      if (status !== 202) throw new Error(`the warm-up booking of ${name} got HTTP ${status}`);
      await waitUntil(`${name}'s warm-up booking confirmation`, 120_000, async () =>
        (await db.message.count({ where: { tenantId: tenant.id, appointmentId: workflowIdOf(tenant.id, warmUp) } })) > 0,
      );
      const updated = await graphql(tenant.apiKey, 'mutation($input: PolicyInput!) { updatePolicy(input: $input) { policyVersion } }', {
        input: policy,
      });
      if (updated.errors) throw new Error(`updatePolicy failed: ${JSON.stringify(updated.errors)}`);
      return tenant;
    };

    return {
      apiUrl,
      db,
      temporal,
      bareTemporal,
      temporalVersion,
      temporalPid: temporalServer.pid,
      processes: { api, aroWorker, bareWorker },
      moreAroWorkers,
      createTenant,
      postBooking,
      postReply,
      newPhone,
      refusals,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
