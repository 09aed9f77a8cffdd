// A provider's delivery receipts (status callbacks) applied to the message they report on, by the
// status webhook and by messaging.send. A receipt can overtake the provider's answer to the send:
// the webhook then finds no message with its id and keeps it in the delivery ledger (WebhookEvent)
// as `unmatched`; the send, once it has stored the id, adopts what is unmatched for it. Each side
// writes, then looks at the other, so one of them always sees the other.
import type { Db } from '../db/prisma';
import { Prisma } from '../generated/prisma/client';
import { advancesDelivery, isDeliveryFailure, statusesAfter, statusesBefore } from '../domain/delivery-status';

/** A message as a provider knows it. */
export interface ProviderMessage {
  tenantId: string;
  provider: string;
  providerMessageId: string;
}

/** The delivery ledger's source for a provider's receipts. */
export function receiptSource(provider: string): string {
  return `${provider}.status`;
}

/** The delivery ledger's id for a receipt: one per message and status, so a redelivery is a duplicate. */
export function receiptEventId(providerMessageId: string, status: string): string {
  return `${providerMessageId}:${status}`;
}

/** The message a receipt reports on, as it stood when the receipt was applied. */
export interface ReceiptApplied {
  /** Whether the receipt moved it (it was news). */
  moved: boolean;
  appointmentId: string | null;
  /** Its status before the receipt. */
  status: string;
}

/**
 * Moves the message to `status` if that is news (callbacks overtake each other), and reads it, in one
 * statement: one snapshot, so a message whose id the send stores meanwhile is either moved here or
 * not seen at all (null: the receipt is unmatched) — never seen yet not moved, which would pass the
 * receipt for stale.
 */
export async function applyReceipt(db: Db, message: ProviderMessage, status: string, errorCode: string | undefined): Promise<ReceiptApplied | null> {
  const now = new Date();
  const changes = [
    Prisma.sql`"status" = ${status}`,
    ...(errorCode ? [Prisma.sql`"errorCode" = ${errorCode}`] : []),
    ...(status === 'delivered' ? [Prisma.sql`"deliveredAt" = ${now}`] : []),
    ...(isDeliveryFailure(status) ? [Prisma.sql`"failedAt" = ${now}`] : []),
  ];
  const sameMessage = Prisma.sql`"tenantId" = ${message.tenantId} AND "provider" = ${message.provider} AND "providerMessageId" = ${message.providerMessageId}`;
  const [row] = await db.$queryRaw<ReceiptApplied[]>`
    WITH moved AS (
      UPDATE "Message" SET ${Prisma.join(changes)} WHERE ${sameMessage} AND "status" = ANY(${statusesBefore(status)}) RETURNING 1
    )
    SELECT EXISTS (SELECT 1 FROM moved) AS "moved", "appointmentId", "status" FROM "Message" WHERE ${sameMessage}`;
  return row ?? null;
}

/**
 * For the send, just after it stored the provider's id: applies the most advanced of the receipts
 * that came before (the others it has passed), marks them applied, and answers the message's
 * status and error code as they now stand.
 */
export async function adoptEarlyReceipts(db: Db, message: ProviderMessage): Promise<{ status: string; errorCode: string | null }> {
  const source = receiptSource(message.provider);
  // By their ledger ids, one for each status there is: exact look-ups in the ledger's key.
  const ids = statusesAfter('pending').map((status) => receiptEventId(message.providerMessageId, status));
  const early = await db.webhookEvent.findMany({
    where: { tenantId: message.tenantId, source, eventId: { in: ids }, state: 'unmatched' },
    select: { eventId: true, payload: true },
  });
  let best: { status: string; errorCode?: string } | undefined;
  for (const receipt of early) {
    const status = receipt.eventId.slice(message.providerMessageId.length + 1);
    // The webhook keeps the receipt's form as it came (Twilio names the code ErrorCode).
    const errorCode = (receipt.payload as { ErrorCode?: string } | null)?.ErrorCode || undefined;
    if (!best || advancesDelivery(best.status, status)) best = { status, errorCode };
  }
  if (best) {
    await applyReceipt(db, message, best.status, best.errorCode);
    await db.webhookEvent.updateMany({
      where: { tenantId: message.tenantId, source, eventId: { in: early.map((r) => r.eventId) }, state: 'unmatched' },
      data: { state: 'applied', settledAt: new Date() },
    });
  }
  return db.message.findFirstOrThrow({ where: message, select: { status: true, errorCode: true } });
}
