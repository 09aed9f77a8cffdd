-- Webhook intake without a transaction around the Temporal call (issue 8): the delivery ledger row is
-- written first as `received`, then settled once its workflow has taken the event. Rows written
-- before this migration were committed together with their Temporal call, so they were applied.

-- AlterTable
ALTER TABLE "WebhookEvent" ADD COLUMN "state" TEXT NOT NULL DEFAULT 'applied',
ADD COLUMN "claimedAt" TIMESTAMP(3),
ADD COLUMN "settledAt" TIMESTAMP(3);

ALTER TABLE "WebhookEvent" ALTER COLUMN "state" SET DEFAULT 'received';
