// Benchmark: one clinic's burst of reminders against another clinic's single reminder, both sending
// through Twilio (the real client against the local Twilio-compatible server), on the real Temporal
// dev server and PostgreSQL. Prints when each message reached "Twilio" and the send rates observed.
import { randomBytes, randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { DateTime } from 'luxon';
import { loadConfig } from '../src/config';
import { createPrisma, type Db } from '../src/db/prisma';
import { credentialCipher } from '../src/secrets/credential-cipher';
import { aroDataConverter } from '../src/temporal/data-converter';
import { generatePayloadKey } from '../src/temporal/payload-codec';
import { createTenant } from '../src/tenants/create-tenant';
import { configureTwilio } from '../src/tenants/twilio-setup';
import { lifecycleInput } from '../src/api/appointments/lifecycle-input';
import { AppointmentWorkflows } from '../src/api/appointments/appointment-workflows.service';
import { runWorkers } from '../worker';
import { LocalTwilio, newAccount, randomSid, type StoredMessage } from '../test/support/local-twilio';
import { startThrowawayDatabase, startThrowawayTemporal } from '../src/toolchain/throwaway-servers';
import { commandOptions } from './command-line';

export interface BurstResult {
  reminders: number;
  ratePerSecond: number;
  /** Seconds from the burst's start until the busy clinic's last message reached Twilio. */
  busyDrainSeconds: number;
  /** The busy clinic's most messages within any one second. */
  busyPeakPerSecond: number;
  /** The busy clinic's average rate from its first message to its last. */
  busyAveragePerSecond: number;
  /** Seconds from the quiet clinic's booking until its message reached Twilio. */
  quietLatencySeconds: number;
  /** How many of the busy clinic's messages reached Twilio before the quiet clinic's did. */
  busySentBeforeQuiet: number;
}

/** Most messages within any window of one second. */
function peakPerSecond(times: number[]): number {
  let peak = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[i] - times[j] >= 1000) j++;
    peak = Math.max(peak, i - j + 1);
  }
  return peak;
}

export async function runBurst(reminders: number, ratePerSecond: number, temporalAddress?: string): Promise<BurstResult> {
  const [database, temporalServer] = await Promise.all([
    startThrowawayDatabase(),
    temporalAddress ? { address: temporalAddress, namespace: 'default', stop: async () => {} } : startThrowawayTemporal(),
  ]);
  const db: Db = createPrisma(database.databaseUrl);
  const busyAccount = newAccount();
  const quietAccount = newAccount();
  const twilioServer = await new LocalTwilio([busyAccount, quietAccount]).start();
  twilioServer.deliverySteps = [];
  const config = loadConfig({
    DATABASE_URL: database.databaseUrl,
    TEMPORAL_ADDRESS: temporalServer.address,
    ARO_PUBLIC_URL: 'http://127.0.0.1:9',
    ARO_TWILIO_API_URL: twilioServer.url,
    ARO_SECRETS_KEY: randomBytes(32).toString('base64'),
    ARO_PLAN_LIMITS: 'individual=unlimited',
    ARO_TENANT_REFRESH_MS: '200',
    ARO_PAYLOAD_KEYS: generatePayloadKey('bench'),
  });
  const cipher = credentialCipher(config);
  const clinic = async (name: string, account: typeof busyAccount) => {
    // Each on its own queue, whose rate Temporal enforces (docs/benchmarks.md measured these).
    const { tenant } = await createTenant(db, { name, timeZone: 'America/New_York', executor: 'dedicated' });
    await configureTwilio(db, cipher, tenant.id, { ...account, messagingServiceSid: randomSid('MG'), maxMessagesPerSecond: ratePerSecond });
    return db.tenant.findUniqueOrThrow({ where: { id: tenant.id } });
  };
  const busy = await clinic('Busy Clinic', busyAccount);
  const quiet = await clinic('Quiet Clinic', quietAccount);

  const connection = await Connection.connect({ address: temporalServer.address });
  const client = new Client({ connection, namespace: temporalServer.namespace, dataConverter: aroDataConverter(config) });
  const nativeConnection = await NativeConnection.connect({ address: temporalServer.address });
  const workers = await runWorkers({ config, db, connection: nativeConnection });
  try {
    const startsAt = DateTime.now().plus({ days: 3 }).set({ hour: 11, minute: 0 }).toUTC().toISO()!;
    // Booked the way the booking webhook books: the API's own Temporal calls, fairness key included.
    const workflows = new AppointmentWorkflows(client, config, db);
    const book = (tenant: typeof busy, phone: string) => {
      const externalId = `ext-${randomUUID()}`;
      const appointment = { externalId, startsAt, durationMinutes: 30, patient: { name: 'Pat Doe', phone, locale: 'en' } };
      return workflows.book(lifecycleInput(tenant, appointment, { id: `evt-${externalId}` }), `evt-${externalId}`);
    };
    const started = Date.now();
    // The whole burst is booked at once, as a booking system importing a day's list would.
    await Promise.all(Array.from({ length: reminders }, (_, i) => book(busy, `+1555${String(2_000_000 + i)}`)));
    const quietBooked = Date.now();
    await book(quiet, '+15559999999');

    const accountOf = (m: StoredMessage) => m.accountSid;
    const deadline = Date.now() + (reminders / ratePerSecond + 300) * 1000;
    while (twilioServer.messages.length < reminders + 1) {
      if (Date.now() > deadline) throw new Error(`only ${twilioServer.messages.length} of ${reminders + 1} messages arrived`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const busyTimes = twilioServer.messages.filter((m) => accountOf(m) === busyAccount.accountSid).map((m) => m.dateCreated.getTime()).sort((a, b) => a - b);
    const quietAt = twilioServer.messages.find((m) => accountOf(m) === quietAccount.accountSid)!.dateCreated.getTime();
    return {
      reminders,
      ratePerSecond,
      busyDrainSeconds: (busyTimes[busyTimes.length - 1] - started) / 1000,
      busyPeakPerSecond: peakPerSecond(busyTimes),
      busyAveragePerSecond: Number(((busyTimes.length - 1) / ((busyTimes[busyTimes.length - 1] - busyTimes[0]) / 1000)).toFixed(2)),
      quietLatencySeconds: (quietAt - quietBooked) / 1000,
      busySentBeforeQuiet: busyTimes.filter((t) => t < quietAt).length,
    };
  } finally {
    await workers.shutdown();
    await nativeConnection.close();
    await connection.close();
    await twilioServer.stop();
    await db.$disconnect();
    await temporalServer.stop();
    await database.stop();
  }
}

if (require.main === module) {
  // --temporal: a running Temporal server's address instead of a throwaway dev server.
  const values = commandOptions('Usage: npm run bench:burst -- [--reminders 500] [--rate 10] [--temporal HOST:PORT]', {
    reminders: { type: 'string', default: '500' },
    rate: { type: 'string', default: '10' },
    temporal: { type: 'string' },
  });
  runBurst(Number(values.reminders), Number(values.rate), values.temporal)
    .then((result) => {
      process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      process.exit(0);
    })
    .catch((err) => {
      console.error(err);
      process.exit(1);
    });
}
