// Books a demo appointment through the signed booking webhook of the running `npm run dev` (or, with
// --cluster, `npm run cluster`), as a clinic's booking system would.
// Usage: node dist/scripts/demo-booking.js [--cluster] [+E164 phone] [days ahead]
import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DateTime } from 'luxon';

interface DevState {
  apiUrl: string;
  demoTenant: { id: string; webhookSecret: string; timeZone?: string };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const cluster = args[0] === '--cluster';
  if (cluster) args.shift();
  const statePath = path.resolve(__dirname, '../../.data', cluster ? 'cluster.json' : 'dev.json');
  const dev = JSON.parse(readFileSync(statePath, 'utf8')) as DevState;
  const phone = args[0] ?? '+14155550123';
  const daysAhead = Number(args[1] ?? '3');
  const zone = dev.demoTenant.timeZone ?? 'UTC';
  const startsAt = DateTime.now().setZone(zone).plus({ days: daysAhead }).set({ hour: 10, minute: 0, second: 0, millisecond: 0 });
  const externalId = `demo-${randomUUID().slice(0, 8)}`;
  const body = JSON.stringify({
    id: `evt-${randomUUID()}`,
    type: 'appointment.created',
    occurredAt: DateTime.now().toISO(),
    appointment: { externalId, startsAt: startsAt.toISO(), durationMinutes: 30, patient: { name: 'Alex Demo', phone, locale: 'en' } },
  });
  const t = Math.floor(Date.now() / 1000);
  const v1 = createHmac('sha256', dev.demoTenant.webhookSecret).update(`${t}.${body}`).digest('hex');
  const res = await fetch(`${dev.apiUrl}/webhooks/booking/${dev.demoTenant.id}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-aro-signature': `t=${t},v1=${v1}` },
    body,
  });
  console.log(`${res.status} ${await res.text()}`);
  console.log(`appointment ${externalId} for ${phone} at ${startsAt.toISO()}`);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
