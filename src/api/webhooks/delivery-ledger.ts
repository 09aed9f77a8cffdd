// The API's record of deliveries from outside systems (WebhookEvent): an event is written first as
// `received` and settled once its workflow has taken it, with no transaction around the Temporal
// call, so no pooled connection waits on Temporal and deliveries never queue behind each other.
// A delivery claims the event while it applies it: a concurrent duplicate is told to come back
// (DeliveryInProgressError), and a failed attempt leaves the event claimable again by the retry.
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { AroConfig } from '../../config';
import type { Db } from '../../db/prisma';
import { Prisma } from '../../generated/prisma/client';
import { DeliveryInProgressError } from '../http/retry-later';
import { ARO_CONFIG, DB } from '../tokens';

export interface DeliveryKey {
  tenantId: string;
  /** booking | twilio.status */
  source: string;
  eventId: string;
}

/**
 * How an event ended; `received` is the only unsettled state. `unmatched`: a provider's receipt for
 * a message id no message has yet (it overtook the provider's answer to the send, which adopts it
 * once it stores the id: src/activities/delivery-receipts.ts).
 */
export type SettledState = 'applied' | 'ignored_closed' | 'no_appointment' | 'stale' | 'unmatched';

/** The claim a delivery holds while it applies an event; release it if the attempt fails. */
export interface Claim {
  key: DeliveryKey;
  claimedAt: Date;
}

@Injectable()
export class DeliveryLedger {
  private readonly logger = new Logger('delivery-ledger');

  constructor(
    @Inject(DB) private readonly db: Db,
    @Inject(ARO_CONFIG) private readonly config: AroConfig,
  ) {}

  /**
   * Claims an event for this delivery: a claim to apply it, or null when it was settled before (a
   * duplicate). Throws DeliveryInProgressError while another delivery holds a fresh claim on it.
   */
  async claim(key: DeliveryKey, payload: Prisma.InputJsonValue): Promise<Claim | null> {
    const claimedAt = new Date();
    // The first delivery of an event takes this one statement (plain SQL: every webhook delivery runs it).
    const recorded = await this.db.$executeRaw`
      INSERT INTO "WebhookEvent" ("tenantId", "source", "eventId", "receivedAt", "payload", "state", "claimedAt")
      VALUES (${key.tenantId}, ${key.source}, ${key.eventId}, ${claimedAt}, ${JSON.stringify(payload)}::jsonb, 'received', ${claimedAt})
      ON CONFLICT DO NOTHING`;
    if (recorded === 1) return { key, claimedAt };

    // Seen before and not settled: an attempt failed (and released it) or died (its claim has aged
    // past any Temporal call it could still be making). One statement, so two retries cannot both win.
    const abandonedBefore = new Date(claimedAt.getTime() - this.claimLifetimeMs());
    const retaken = await this.db.webhookEvent.updateMany({
      where: { ...key, state: 'received', OR: [{ claimedAt: null }, { claimedAt: { lt: abandonedBefore } }] },
      data: { claimedAt },
    });
    if (retaken.count === 1) return { key, claimedAt };

    const row = await this.db.webhookEvent.findUnique({ where: { tenantId_source_eventId: key }, select: { state: true } });
    if (row && row.state !== 'received') return null;
    throw new DeliveryInProgressError(key.eventId);
  }

  /**
   * Records how the event ended. The workflow has it by now, so a failure here is logged, not
   * answered: the row stays `received` and a retry re-applies it, which the workflow ignores.
   */
  async settle(claim: Claim, state: SettledState): Promise<void> {
    try {
      await this.db.$executeRaw(this.settlement(claim, state));
    } catch (err) {
      this.logger.warn(`event ${claim.key.source}/${claim.key.eventId} applied but not marked ${state}: ${(err as Error).message}`);
    }
  }

  /**
   * Keeps a provider's receipt `unmatched` for the send to adopt. Unlike settle(), a failure is
   * answered (after releasing the claim): a receipt left `received` is one the send never looks for.
   */
  async keepUnmatched(claim: Claim): Promise<void> {
    try {
      await this.db.$executeRaw(this.settlement(claim, 'unmatched'));
    } catch (err) {
      await this.release(claim);
      throw err;
    }
  }

  /**
   * The statement that settles the event, for a caller that makes it part of another write (the
   * booking's first projection row: one round trip for both, failing or succeeding together). Its
   * time is the statement's, in UTC like every instant Prisma stores.
   */
  settlement({ key }: Claim, state: SettledState): Prisma.Sql {
    return Prisma.sql`
      UPDATE "WebhookEvent" SET "state" = ${state}, "settledAt" = statement_timestamp() AT TIME ZONE 'UTC', "claimedAt" = NULL
      WHERE "tenantId" = ${key.tenantId} AND "source" = ${key.source} AND "eventId" = ${key.eventId} AND "state" = 'received'`;
  }

  /**
   * Takes an `unmatched` event back to apply it after all (its message has turned up), or null when
   * it was adopted meanwhile. One statement, so it is taken once.
   */
  async reclaimUnmatched(key: DeliveryKey): Promise<Claim | null> {
    const claimedAt = new Date();
    const retaken = await this.db.webhookEvent.updateMany({
      where: { ...key, state: 'unmatched' },
      data: { state: 'received', settledAt: null, claimedAt },
    });
    return retaken.count === 1 ? { key, claimedAt } : null;
  }

  /** After a failed attempt: frees the event for the retry at once (else it waits for the claim to age). */
  async release(claim: Claim): Promise<void> {
    try {
      await this.db.webhookEvent.updateMany({
        where: { ...claim.key, state: 'received', claimedAt: claim.claimedAt },
        data: { claimedAt: null },
      });
    } catch (err) {
      this.logger.warn(`event ${claim.key.source}/${claim.key.eventId} not released: ${(err as Error).message}`);
    }
  }

  /**
   * Longer than one delivery can take: it makes at most three Temporal calls (start, then
   * signal-with-start; or signal, look-up, signal again), each given up after
   * ARO_TEMPORAL_CALL_TIMEOUT_MS, and a few queries, each waiting ARO_DB_ACQUIRE_TIMEOUT_MS at most.
   */
  private claimLifetimeMs(): number {
    return 3 * this.config.ARO_TEMPORAL_CALL_TIMEOUT_MS + 3 * this.config.ARO_DB_ACQUIRE_TIMEOUT_MS;
  }
}
