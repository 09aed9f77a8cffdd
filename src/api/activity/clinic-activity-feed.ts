// The clinic's live activity: while this API process has subscribers, it asks PostgreSQL every
// POLL_INTERVAL_MS, in one query over all their clinics, for the appointment rows and messages whose
// change its previous poll could not see yet, and passes each to the subscribers of that clinic only.
// Chosen over NOTIFY triggers, since PostgreSQL commits notifying transactions one at a time (issue 8):
// the write path only stamps the row it writes (migration 20261129130000_clinic_activity_polling),
// and the poll costs one indexed query per process per interval, none while nobody watches.
//
// The cursor is the snapshot of the previous poll, not a time or a counter: a transaction that began
// before that poll and commits after it carries an older id and an older time than changes already
// announced, yet it was in progress in that snapshot, so the next poll finds it. Each change is
// announced exactly once: at the first poll whose snapshot sees it.
import { EventEmitter, on } from 'node:events';
import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { Db } from '../../db/prisma';
import { Prisma } from '../../generated/prisma/client';
import { DB } from '../tokens';

/** How often the changes are read while someone subscribes: the bound of an announcement's delay. */
export const POLL_INTERVAL_MS = 500;

export interface ClinicActivityEvent {
  externalId: string;
  /** appointment (its row changed: status, attention, next touch, time), reply, message, delivery_status. */
  kind: string;
  at: Date;
}

interface Change extends ClinicActivityEvent {
  tenantId: string;
}

/**
 * The changes of these clinics committed after `since` (a pg_snapshot's text) and visible now, and
 * the snapshot they were read in. Ids are narrowed by the index first: every transaction `since`
 * cannot see has an id from its xmin on.
 */
export async function readClinicActivity(db: Db, tenantIds: readonly string[], since: string): Promise<{ snapshot: string; changes: Change[] }> {
  const xmin = Prisma.sql`pg_snapshot_xmin(${since}::pg_snapshot)::text::bigint`;
  const [read] = await db.$queryRaw<{ snapshot: string; changes: (Omit<Change, 'at'> & { at: string })[] }[]>`
    WITH changed AS (
      SELECT a."tenantId", a."externalId", 'appointment' AS "kind", a."activityAt" AS "at", a."activityXid" AS "xid"
        FROM "Appointment" a WHERE a."activityXid" >= ${xmin} AND a."tenantId" = ANY(${tenantIds}::text[])
      UNION ALL
      SELECT m."tenantId", substr(m."appointmentId", length(m."tenantId") + 7), m."activityKind", m."activityAt", m."activityXid"
        FROM "Message" m WHERE m."activityXid" >= ${xmin} AND m."tenantId" = ANY(${tenantIds}::text[])
          AND starts_with(m."appointmentId", 'appt:' || m."tenantId" || ':')
    )
    SELECT pg_current_snapshot()::text AS "snapshot",
      (SELECT coalesce(json_agg(json_build_object('tenantId', c."tenantId", 'externalId', c."externalId", 'kind', c."kind", 'at', c."at") ORDER BY c."xid"), '[]')
         FROM changed c WHERE NOT pg_visible_in_snapshot(c."xid"::text::xid8, ${since}::pg_snapshot)) AS "changes"`;
  // activityAt is a timestamp without zone written in UTC, as Prisma writes every DateTime.
  return { snapshot: read.snapshot, changes: read.changes.map((c) => ({ ...c, at: new Date(`${c.at}Z`) })) };
}

/** The current snapshot: changes committed from now on are not visible in it. */
export async function activitySnapshot(db: Db): Promise<string> {
  const [now] = await db.$queryRaw<{ snapshot: string }[]>`SELECT pg_current_snapshot()::text AS "snapshot"`;
  return now.snapshot;
}

@Injectable()
export class ClinicActivityFeed implements OnModuleDestroy {
  private readonly logger = new Logger('clinic-activity');
  /** One event name per tenant: a clinic's subscribers listen to their own tenant's name alone. */
  private readonly byTenant = new EventEmitter().setMaxListeners(0);
  /** The snapshot of the last poll while anyone subscribes; undefined while nobody does. */
  private since: Promise<string> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(@Inject(DB) private readonly db: Db) {}

  /**
   * The tenant's activity from now on. The cursor exists before this returns, so nothing committed
   * after the subscriber is told it is subscribed is missed (a change committed just before may be
   * announced too: the app reads again, no harm).
   */
  async subscribe(tenantId: string): Promise<AsyncIterableIterator<ClinicActivityEvent>> {
    if (this.stopped) throw new Error('the clinic activity feed has stopped');
    const events = on(this.byTenant, tenantId);
    try {
      this.since ??= activitySnapshot(this.db);
      await this.since;
    } catch (err) {
      this.since = undefined;
      await events.return?.();
      throw err;
    }
    this.timer ??= setTimeout(() => void this.poll(), POLL_INTERVAL_MS);
    const stream: AsyncIterableIterator<ClinicActivityEvent> = {
      next: async () => {
        const next = await events.next();
        return next.done ? next : { done: false, value: (next.value as [ClinicActivityEvent])[0] };
      },
      return: async () => {
        await events.return?.();
        return { done: true, value: undefined };
      },
      [Symbol.asyncIterator]: () => stream,
    };
    return stream;
  }

  onModuleDestroy(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private subscribedTenants(): string[] {
    return this.byTenant.eventNames().filter((name): name is string => typeof name === 'string' && name !== 'error');
  }

  private async poll(): Promise<void> {
    const tenantIds = this.subscribedTenants();
    if (tenantIds.length === 0 || this.stopped) {
      // Nobody watches: no query, and the next subscriber starts from its own snapshot.
      this.timer = undefined;
      this.since = undefined;
      return;
    }
    // A clinic subscribing while this read runs is not in it: its subscribe() waits for this read's
    // snapshot, so that what it commits meanwhile is left to the next read, which includes it.
    // (The cursor exists: subscribe() sets it before it starts the polls, and only this stops them.)
    this.since = this.read(tenantIds, this.since!);
    await this.since;
    this.timer = this.stopped ? undefined : setTimeout(() => void this.poll(), POLL_INTERVAL_MS);
  }

  /** Announces the changes `previous` could not see; the new cursor. */
  private async read(tenantIds: string[], previous: Promise<string>): Promise<string> {
    const since = await previous;
    try {
      const { snapshot, changes } = await readClinicActivity(this.db, tenantIds, since);
      for (const { tenantId, ...event } of changes) this.byTenant.emit(tenantId, event);
      return snapshot;
    } catch (err) {
      // The cursor stays where it was: the next poll reads the same changes and more, none is lost.
      this.logger.warn(`reading clinic activity failed, trying again: ${err instanceof Error ? err.message : String(err)}`);
      return since;
    }
  }
}
