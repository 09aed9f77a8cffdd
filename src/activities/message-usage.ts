// Monthly usage against the tenant's plan: what the next message may do, the count once it is sent,
// and the clinic's warnings (80% used, allowance spent), each written to the audit log once a month.
import { DateTime } from 'luxon';
import type { Db } from '../db/prisma';
import type { Tenant } from '../generated/prisma/client';
import { planLimit, usageVerdict, type PlanLimits, type UsageVerdict } from '../domain/plan-limits';

export interface UsageCheck {
  month: string;
  verdict: UsageVerdict;
  sent: number;
  limit: number | null;
}

/** The calendar month in the clinic's time zone: that is the month its plan counts. */
export function usageMonth(at: string, timeZone: string): string {
  return DateTime.fromISO(at, { zone: 'utc' }).setZone(timeZone).toFormat('yyyy-MM');
}

/** What the next message may do, given `sent` messages counted this month (read with the send's other facts). */
export function usageCheck(sent: number, tenant: Pick<Tenant, 'plan' | 'timeZone'>, at: string, limits: PlanLimits): UsageCheck {
  const limit = planLimit(limits, tenant.plan);
  return { month: usageMonth(at, tenant.timeZone), verdict: usageVerdict(sent, limit), sent, limit };
}

/** Tells the clinic, once a month, that usage crossed a threshold (the audit log is what the clinic reads). */
export async function warnClinic(db: Db, tenantId: string, usage: UsageCheck, threshold: 'soft_limit' | 'hard_limit'): Promise<void> {
  const stamp = threshold === 'soft_limit' ? 'softLimitWarnedAt' : 'hardLimitReachedAt';
  const now = new Date();
  await db.messageUsage.upsert({
    where: { tenantId_month: { tenantId, month: usage.month } },
    create: { tenantId, month: usage.month },
    update: {},
  });
  // The stamp is set by the first caller only: concurrent sends warn once.
  const first = await db.messageUsage.updateMany({ where: { tenantId, month: usage.month, [stamp]: null }, data: { [stamp]: now } });
  if (first.count === 0) return;
  const dedupeKey = `usage.${threshold}:${usage.month}`;
  await db.auditEvent.createMany({
    data: [
      {
        id: `a_${tenantId}:${dedupeKey}`,
        tenantId,
        dedupeKey,
        actor: 'aro',
        action: `usage.${threshold}`,
        subject: tenantId,
        detail: {
          month: usage.month,
          sent: usage.sent,
          limit: usage.limit,
          effect: threshold === 'soft_limit' ? '80% of the monthly allowance used' : 'routine messages are held until next month; safety notices still go',
        },
        at: now,
      },
    ],
    skipDuplicates: true,
  });
}
