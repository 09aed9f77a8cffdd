// How long the per-patient frequency cap holds a routine message, judged from the messages the
// patient was really sent. The send skill refuses with it; follow-up planning plans around it, so
// a follow-up is scheduled when it may go instead of being tried and held.
import { DateTime } from 'luxon';
import { Prisma } from '../generated/prisma/client';
import type { Db } from '../db/prisma';
import { nextAllowedByCap, type FrequencyCap } from '../domain/frequency-cap';
import { isQuiet, quietWindowEnd } from '../domain/quiet-hours';
import type { QuietHours } from '../workflows/contracts';

export interface CapQuery {
  tenantId: string;
  phone: string;
  at: DateTime;
  cap: FrequencyCap;
  quietHours: QuietHours | null;
  timeZone: string;
}

export interface CapHold {
  until: DateTime;
  previous: number;
}

/**
 * The instants (epoch milliseconds) of the routine messages the patient was sent in the 7 days up to
 * `at`, as a subquery: the send skill reads them in the statement that opens a send.
 */
export function recentRoutineSends(tenantId: string, phone: string, at: DateTime): Prisma.Sql {
  return Prisma.sql`
    SELECT (extract(epoch FROM "sentAt") * 1000)::float8 AS "sentAt" FROM "Message"
    WHERE "tenantId" = ${tenantId} AND "toPhone" = ${phone} AND "direction" = 'outbound' AND "urgency" = 'routine'
      AND "status" NOT IN ('failed', 'undelivered')
      AND "sentAt" > ${at.minus({ days: 7 }).toJSDate()} AND "sentAt" <= ${at.toJSDate()}`;
}

/** Null when a routine message may go at `at` after the sends `previous` (epoch ms); else when it may (out of quiet hours). */
export function capHold(previous: number[], q: Omit<CapQuery, 'tenantId' | 'phone'>): CapHold | null {
  let until = nextAllowedByCap(previous.map((ms) => new Date(ms)), q.at, q.cap);
  if (!until) return null;
  if (isQuiet(until, q.quietHours, q.timeZone)) until = quietWindowEnd(until, q.quietHours!, q.timeZone);
  return { until, previous: previous.length };
}

/** Null when a routine message may go at `at`; else when it may (out of quiet hours), and why. */
export async function frequencyCapHold(db: Db, q: CapQuery): Promise<CapHold | null> {
  const rows = await db.$queryRaw<{ sentAt: number }[]>(recentRoutineSends(q.tenantId, q.phone, q.at));
  return capHold(rows.map((r) => r.sentAt), q);
}
