// ARO in its production shape — API and worker as separate processes, a Temporal server persisting
// to SQLite, PostgreSQL, the tenant sending through Twilio — driven by a clinic's traffic while the
// worker is SIGKILLed, Temporal and PostgreSQL restart on the same data and Twilio fails in three
// ways; then counted (fault-figures.ts). Everything is observed from outside: HTTP, Temporal
// visibility and queries, and the local Twilio server's record of what it received.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { appointmentWorkflowId, snapshotQuery } from '../../src/workflows/contracts';
import { freePort } from '../../src/toolchain/free-port';
import { CLI_SCRIPT, SupervisedAroProcess, type ProcessExit } from '../../src/toolchain/aro-processes';
import { ClinicTraffic, type Answer, type Patient } from './clinic-traffic';
import { countFigures, templateMatcher, type AppointmentRecord, type FaultFigures } from './fault-figures';
import { graphqlClient } from './graphql-client';
import { LocalTwilio, newAccount, randomSid, type TwilioOutage } from './local-twilio';
import { TEST_PAYLOAD_SETTINGS, testDataConverter } from './payload-keys';
import { startTestDatabase, startTestTemporal, type TestDatabase, type TestTemporal } from './servers';

const execFileAsync = promisify(execFile);

const TIME_ZONE = 'America/New_York';
/** The worker's Twilio calls give up after this; a stalled create answers long after it. */
const TWILIO_TIMEOUT_MS = 2_000;
const STALL_MS = 10_000;
/** After a fault: how long to wait for the system to make progress before calling it stuck. */
const RECOVERY_LIMIT_MS = 5 * 60_000;
/** Quiet time between one fault's recovery and the next fault. */
const STEADY_MS = 3_000;
const READ_CONCURRENCY = 8;

export interface FaultDrillOptions {
  appointments: number;
  /** How long each outage lasts. */
  outageMs: number;
  /** The drill ends when everything promised has reached Twilio, or when nothing has happened for this long. */
  idleLimitMs: number;
  report(line: string): void;
}

export interface FaultRecovery {
  fault: string;
  /** Requests the fault met: Twilio calls during a Twilio outage, deliveries to the API during a server's, interrupted appointments for a worker kill. */
  hits: number;
  /** Appointments still owed a message when the fault ended. */
  heldUp: number;
  /** From the fault's end until all of those had it; null if they did not within the recovery limit. */
  backlogClearedMs: number | null;
  /** From the fault's end to the first message Twilio took; null if none came. */
  firstSendMs: number | null;
  /** From the fault's end to the first delivery ARO's API accepted; null if none came. */
  firstAcceptedMs: number | null;
}

export interface FaultDrillResult extends FaultFigures {
  appointments: number;
  bookingsAccepted: number;
  repliesAccepted: number;
  /** Answers of ARO's API by route and HTTP status (0: no answer). */
  answers: Record<string, number>;
  messagesAtTwilio: number;
  failedWorkflows: string[];
  recoveries: FaultRecovery[];
  unexpectedExits: ProcessExit[];
  /** Everything promised reached Twilio before the idle limit. */
  settled: boolean;
  logDir: string;
}

interface Fault {
  name: string;
  /** Inflicts the fault and resolves at its end; `during` runs while it lasts (the drill books then). */
  inflict(during: () => void): Promise<void>;
  /** Requests the fault met, counted between its start and end. */
  hits(start: number, end: number): number;
}

export async function runFaultDrill(options: FaultDrillOptions): Promise<FaultDrillResult> {
  const { report } = options;
  const logDir = await mkdtemp(join(tmpdir(), 'aro-faults-'));
  const account = newAccount();
  const twilio = await new LocalTwilio([account]).start();
  // Receipts come from the clinic's traffic, which retries them when ARO cannot take them yet.
  twilio.deliverySteps = [];
  twilio.stallMs = STALL_MS;
  let database: TestDatabase | undefined;
  let temporalServer: TestTemporal | undefined;
  const processes: SupervisedAroProcess[] = [];
  let traffic: ClinicTraffic | undefined;
  let connection: Connection | undefined;
  let succeeded = false;
  try {
    [database, temporalServer] = await Promise.all([startTestDatabase(), startTestTemporal({ persistent: true })]);
    const apiPort = await freePort();
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    const secretsKey = randomBytes(32).toString('base64');
    const env = {
      DATABASE_URL: database.databaseUrl,
      TEMPORAL_ADDRESS: temporalServer.address,
      ARO_API_PORT: String(apiPort),
      ARO_WORKER_HTTP_PORT: String(await freePort()),
      ARO_PUBLIC_URL: apiUrl,
      ARO_TWILIO_API_URL: twilio.url,
      ARO_TWILIO_TIMEOUT_MS: String(TWILIO_TIMEOUT_MS),
      ARO_SECRETS_KEY: secretsKey,
      ...TEST_PAYLOAD_SETTINGS,
      ARO_TENANT_REFRESH_MS: '500',
      ARO_LOG_LEVEL: 'warn',
      // The drill reads every appointment back through GraphQL at the end.
      ARO_GRAPHQL_RATE_LIMIT: '100000',
    };

    // The operator's onboarding, through the `aro` CLI.
    const aro = async (args: string[], extra: Record<string, string> = {}) =>
      (await execFileAsync(process.execPath, [CLI_SCRIPT, ...args], { env: { ...process.env, ...env, ...extra } })).stdout;
    const tenant = JSON.parse(await aro(['tenant', 'create', '--name', 'Harbour Dental', '--timezone', TIME_ZONE, '--json'])) as {
      id: string;
      apiKey: string;
      webhookSecret: string;
    };
    await aro(
      ['tenant', 'twilio', '--id', tenant.id, '--account-sid', account.accountSid, '--messaging-service-sid', randomSid('MG'), '--rate', '50'],
      { TWILIO_AUTH_TOKEN: account.authToken },
    );
    await aro(['tenant', 'plan', '--id', tenant.id, '--plan', 'enterprise']);

    const api = new SupervisedAroProcess('api', env, logDir);
    const worker = new SupervisedAroProcess('worker', env, logDir);
    processes.push(api, worker);
    await Promise.all([api.start(), worker.start()]);
    report(`ARO is up: API ${apiUrl}, worker, Temporal ${temporalServer.address} (SQLite), PostgreSQL; logs in ${logDir}`);

    // The clinic's own templates, as its UI reads them, tell which message is which at Twilio.
    const graphql = graphqlClient(apiUrl);
    const answer = await graphql(tenant.apiKey, '{ me { templates { kind locale channel body } } }');
    const templates = ((answer.data?.me?.templates ?? []) as { kind: string; locale: string; channel: string; body: string }[]).filter(
      (t) => t.locale === 'en' && t.channel === 'SMS',
    );
    if (!templates.some((t) => t.kind === 'booking_confirmation')) {
      throw new Error(`the clinic's templates did not come back: ${JSON.stringify(answer.errors ?? answer.data)}`);
    }
    const kindOf = templateMatcher(templates);
    traffic = new ClinicTraffic({
      apiUrl,
      tenantId: tenant.id,
      webhookSecret: tenant.webhookSecret,
      twilio,
      authToken: account.authToken,
      accountSid: account.accountSid,
      timeZone: TIME_ZONE,
      kindOf,
    });
    const clinic = traffic;
    clinic.startWatching();

    const twilioRequestsBetween = (start: number, end: number) => twilio.requests.filter((r) => r.at >= start && r.at <= end).length;
    // Deliveries sent to ARO while a server was down (answered at once, late, or refused).
    const deliveriesBetween = (start: number, end: number) => clinic.answers.filter((a) => a.sentAt >= start && a.sentAt <= end).length;
    const twilioOutage = (name: string, outage: TwilioOutage): Fault => ({
      name,
      inflict: async (during) => {
        twilio.setOutage(outage);
        during();
        await sleep(options.outageMs);
        twilio.setOutage(null);
      },
      hits: twilioRequestsBetween,
    });
    let unfinishedAtKill = 0;
    const faults: Fault[] = [
      {
        name: 'worker SIGKILL, new worker started',
        inflict: async (during) => {
          const start = Date.now();
          during();
          // Kill as soon as ARO has taken one of the new bookings, so the kill interrupts work (a
          // lifecycle now sends its confirmation within a second: waiting longer could find none left).
          for (let waited = 0; waited < 5_000 && !clinic.answers.some((a) => a.route === 'booking' && a.sentAt >= start && a.status === 202); waited += 20) {
            await sleep(20);
          }
          const confirmed = new Set(twilio.messages.filter((m) => kindOf(m.body) === 'booking_confirmation').map((m) => m.to));
          unfinishedAtKill = clinic.patients.filter((p) => !confirmed.has(p.phone)).length;
          await worker.kill('SIGKILL');
          void worker.start();
        },
        // The appointments whose confirmation had not gone yet: work the kill interrupted.
        hits: () => unfinishedAtKill,
      },
      { name: 'Temporal server restart', inflict: (during) => temporalServer!.restart(() => outage(during)), hits: deliveriesBetween },
      { name: 'PostgreSQL restart', inflict: (during) => database!.restart(() => outage(during)), hits: deliveriesBetween },
      twilioOutage('Twilio answers 500', 'server_error'),
      twilioOutage('Twilio times out', 'timeout'),
      twilioOutage('Twilio stalls (sends, answers too late)', 'stall'),
    ];
    async function outage(during: () => void): Promise<void> {
      during();
      await sleep(options.outageMs);
    }

    // A share of the appointments is booked at the start of each fault, so every fault meets work
    // in flight, and one as it ends, so there is always new work to show recovery by; the rest
    // arrive steadily from the first fault to the last.
    const perFault = Math.max(1, Math.floor((options.appointments * 0.4) / faults.length));
    const steady = Math.max(0, options.appointments - (perFault + 1) * faults.length);
    const bookBatch = (count: number) => {
      for (let i = 0; i < count && clinic.patients.length < options.appointments; i++) clinic.book();
    };
    let feeding = true;
    const feeder = (async () => {
      const interval = (faults.length * (options.outageMs + 10_000)) / Math.max(steady, 1);
      for (let i = 0; i < steady && feeding; i++) {
        bookBatch(1);
        await sleep(interval);
      }
    })();

    const recoveries: FaultRecovery[] = [];
    for (const fault of faults) {
      const start = Date.now();
      report(`fault: ${fault.name}`);
      await fault.inflict(() => bookBatch(perFault));
      const end = Date.now();
      // What the fault held up: appointments still owed a message as it ended.
      const heldUp = waitingPatients(clinic, twilio, kindOf);
      bookBatch(1);
      let firstSend: number | null = null;
      let firstAccepted: number | null = null;
      let backlogCleared: number | null = null;
      while (Date.now() - end < RECOVERY_LIMIT_MS && (firstSend === null || firstAccepted === null || backlogCleared === null)) {
        await sleep(100);
        firstSend ??= twilio.messages.find((m) => m.dateCreated.getTime() >= end)?.dateCreated.getTime() ?? null;
        firstAccepted ??= clinic.firstAcceptedSince(end);
        if (backlogCleared === null) {
          const waiting = new Set(waitingPatients(clinic, twilio, kindOf));
          if (!heldUp.some((p) => waiting.has(p))) backlogCleared = Date.now();
        }
      }
      const since = (at: number | null) => (at === null ? null : at - end);
      const recovery = {
        fault: fault.name,
        hits: fault.hits(start, end),
        heldUp: heldUp.length,
        firstSendMs: since(firstSend),
        firstAcceptedMs: since(firstAccepted),
        backlogClearedMs: since(backlogCleared),
      };
      recoveries.push(recovery);
      report(
        `  ${recovery.hits} requests met it; after it ended: first message at Twilio ${seconds(recovery.firstSendMs)}, ` +
          `first delivery accepted ${seconds(recovery.firstAcceptedMs)}, ` +
          `the ${recovery.heldUp} appointments it held up served ${seconds(recovery.backlogClearedMs)}`,
      );
      await sleep(STEADY_MS);
    }
    feeding = false;
    await feeder;
    bookBatch(options.appointments - clinic.patients.length);

    report('faults over; waiting for everything promised to reach Twilio');
    const settled = await waitUntilSettled(clinic, twilio, kindOf, options.idleLimitMs);
    await clinic.stop();

    connection = await Connection.connect({ address: temporalServer.address });
    const client = new Client({ connection, namespace: temporalServer.namespace, dataConverter: testDataConverter() });
    const records = await readAppointments(client, graphql, tenant, clinic);
    const failedWorkflows: string[] = [];
    const failedQuery =
      `AroTenantId = '${tenant.id}' AND ` +
      `(ExecutionStatus = 'Failed' OR ExecutionStatus = 'Terminated' OR ExecutionStatus = 'TimedOut')`;
    for await (const wf of client.workflow.list({ query: failedQuery })) failedWorkflows.push(`${wf.workflowId} ${wf.status.name}`);

    const figures = countFigures(records, twilio.messages, clinic.deliveredAccepted, kindOf);
    succeeded = true;
    return {
      appointments: clinic.patients.length,
      bookingsAccepted: clinic.patients.filter((p) => p.booking >= 200 && p.booking < 300).length,
      repliesAccepted: clinic.patients.filter((p) => p.replied !== null && p.replied >= 200 && p.replied < 300).length,
      answers: tally(clinic.answers),
      messagesAtTwilio: twilio.messages.length,
      failedWorkflows,
      recoveries,
      unexpectedExits: processes.flatMap((p) => p.unexpectedExits),
      settled,
      logDir,
      ...figures,
    };
  } finally {
    await traffic?.stop();
    await connection?.close();
    await Promise.allSettled(processes.map((p) => p.stop()));
    await twilio.stop();
    await temporalServer?.stop();
    await database?.stop();
    // The processes' logs are kept when the drill itself broke, to find out why.
    if (succeeded) await rm(logDir, { recursive: true, force: true });
    else report(`logs kept in ${logDir}`);
  }
}

/**
 * The appointments still owed something: a booking or reply ARO has not answered for good, an
 * accepted booking's confirmation, the patient's reply to it, or an accepted reply's answer.
 */
function waitingPatients(clinic: ClinicTraffic, twilio: LocalTwilio, kindOf: (body: string) => string | null): Patient[] {
  const kindsTo = new Map<string, (string | null)[]>();
  for (const m of twilio.messages) {
    const phone = m.to.replace(/^whatsapp:/, '');
    kindsTo.set(phone, [...(kindsTo.get(phone) ?? []), kindOf(m.body)]);
  }
  const accepted = (status: number | null) => status !== null && status >= 200 && status < 300;
  return clinic.patients.filter((p) => {
    if (p.booking === 0 || p.replied === 0) return true;
    const kinds = kindsTo.get(p.phone) ?? [];
    if (accepted(p.booking) && !kinds.includes('booking_confirmation')) return true;
    if (kinds.includes('booking_confirmation') && p.replied === null) return true;
    return accepted(p.replied) && !kinds.some((k) => (p.reply.answeredBy as readonly (string | null)[]).includes(k));
  });
}

/** Until no appointment is owed anything, or nothing moves for `idleLimitMs`; false in that case. */
async function waitUntilSettled(
  clinic: ClinicTraffic,
  twilio: LocalTwilio,
  kindOf: (body: string) => string | null,
  idleLimitMs: number,
): Promise<boolean> {
  let lastCount = -1;
  let lastChange = Date.now();
  for (;;) {
    if (waitingPatients(clinic, twilio, kindOf).length === 0) return true;
    const progress = twilio.messages.length + clinic.answers.length;
    if (progress !== lastCount) {
      lastCount = progress;
      lastChange = Date.now();
    } else if (Date.now() - lastChange > idleLimitMs) {
      return false;
    }
    await sleep(500);
  }
}

/** Each accepted appointment as its workflow's snapshot and the clinic's GraphQL show it. */
async function readAppointments(
  client: Client,
  graphql: ReturnType<typeof graphqlClient>,
  tenant: { id: string; apiKey: string },
  clinic: ClinicTraffic,
): Promise<AppointmentRecord[]> {
  const accepted = clinic.patients.filter((p) => p.booking >= 200 && p.booking < 300);
  const read = async (patient: Patient): Promise<AppointmentRecord> => {
    const snapshot = await client.workflow
      .getHandle(appointmentWorkflowId(tenant.id, patient.externalId))
      .query(snapshotQuery)
      .catch(() => null);
    const view = await graphql(tenant.apiKey, 'query ($id: ID!) { appointment(externalId: $id) { messages { direction body status } } }', {
      id: patient.externalId,
    }).catch(() => null);
    return { patient, messages: snapshot?.messages ?? null, clinicView: view?.data?.appointment?.messages ?? null };
  };
  const records: AppointmentRecord[] = [];
  for (let i = 0; i < accepted.length; i += READ_CONCURRENCY) {
    records.push(...(await Promise.all(accepted.slice(i, i + READ_CONCURRENCY).map(read))));
  }
  return records;
}

function tally(answers: Answer[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const a of answers) counts[`${a.route} ${a.status}`] = (counts[`${a.route} ${a.status}`] ?? 0) + 1;
  return counts;
}

function seconds(ms: number | null): string {
  return ms === null ? 'never' : `${(ms / 1000).toFixed(1)} s`;
}
