// A pooled tenant's send rate. On its own queue a tenant's rate is the queue's server-side limit; in
// a pool the queue is shared, so the rate is kept in PostgreSQL, where every worker process serving
// the pools sees the same pace: a send is admitted only once the tenant's previous one is 1/rate
// seconds old, and one that comes too early is retried by Temporal when its turn is due. The rate is
// the clinic's row as the send skill holds it, so a change reaches sends within the tenant cache's
// TTL (ARO_TENANT_CACHE_TTL_MS), as every other setting does.
import { ApplicationFailure, ApplicationFailureCategory } from '@temporalio/common';
import type { Db } from '../db/prisma';
import type { Tenant } from '../generated/prisma/client';
import { ErrorType } from '../workflows/contracts';

/** Admitted sends never come closer together than 1/rate; a refused one is retried no sooner than this. */
const MIN_RETRY_MS = 50;

/** The tenant's `channels.maxActivitiesPerSecond`, or null for no limit. */
export function tenantSendRate(tenant: Pick<Tenant, 'channels'>): number | null {
  const rate = (tenant.channels as { maxActivitiesPerSecond?: unknown } | null)?.maxActivitiesPerSecond;
  return typeof rate === 'number' && rate > 0 ? rate : null;
}

/**
 * Takes the tenant's next send slot at `rate` a second if it is due, else throws a retryable failure
 * that asks Temporal to retry when it will be (the activity holds no executor slot while it waits).
 */
export async function admitPooledSend(db: Db, tenantId: string, rate: number): Promise<void> {
  const spacingSeconds = 1 / rate;
  // One statement, so concurrent sends of one tenant in any process take distinct slots.
  const admitted = await db.$queryRaw<{ admitted: boolean }[]>`
    INSERT INTO "TenantSendPace" AS pace ("tenantId", "nextAt")
    VALUES (${tenantId}, (now() AT TIME ZONE 'UTC') + make_interval(secs => ${spacingSeconds}))
    ON CONFLICT ("tenantId") DO UPDATE
      SET "nextAt" = GREATEST(pace."nextAt", now() AT TIME ZONE 'UTC') + make_interval(secs => ${spacingSeconds})
      WHERE pace."nextAt" <= now() AT TIME ZONE 'UTC'
    RETURNING true AS admitted`;
  if (admitted.length > 0) return;
  const [due] = await db.$queryRaw<{ waitMs: number }[]>`
    SELECT EXTRACT(EPOCH FROM "nextAt" - (now() AT TIME ZONE 'UTC')) * 1000 AS "waitMs" FROM "TenantSendPace" WHERE "tenantId" = ${tenantId}`;
  const waitMs = Math.max(MIN_RETRY_MS, Math.ceil(Number(due?.waitMs ?? 0)));
  throw ApplicationFailure.create({
    type: ErrorType.TenantPaced,
    message: `tenant ${tenantId} sends at most ${rate} a second; its next send is due in ${waitMs} ms`,
    nextRetryDelay: waitMs,
    // Waiting its turn is the limit working, not a fault: logged at debug, kept out of failure metrics.
    category: ApplicationFailureCategory.BENIGN,
  });
}
