// How long the per-patient frequency cap holds a routine message, judged from the messages the
// patient was really sent. The send skill refuses with it; follow-up planning plans around it, so
// a follow-up is scheduled when it may go instead of being tried and held.
import { DateTime } from 'luxon';
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

/** Null when a routine message may go at `at`; else when it may (out of quiet hours), and why. */
export async function frequencyCapHold(db: Db, q: CapQuery): Promise<{ until: DateTime; previous: number } | null> {
  const previous = await db.message.findMany({
    where: {
      tenantId: q.tenantId,
      toPhone: q.phone,
      direction: 'outbound',
      urgency: 'routine',
      status: { notIn: ['failed', 'undelivered'] },
      sentAt: { gt: q.at.minus({ days: 7 }).toJSDate(), lte: q.at.toJSDate() },
    },
    select: { sentAt: true },
  });
  let until = nextAllowedByCap(previous.map((m) => m.sentAt!), q.at, q.cap);
  if (!until) return null;
  if (isQuiet(until, q.quietHours, q.timeZone)) until = quietWindowEnd(until, q.quietHours!, q.timeZone);
  return { until, previous: previous.length };
}
