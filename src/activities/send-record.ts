// What messaging.send reads and writes in ARO's database, one round trip per step: opening the send
// (an earlier attempt's outcome or message, the patient's contact, their recent routine messages and
// the month's count, read together), the message recorded before the provider is asked, the
// provider's answer with the month's count, and the outcome with the message as it then stands.
// Single statements, each atomic, instead of a transaction's four round trips.
import type { DateTime } from 'luxon';
import type { Db } from '../db/prisma';
import { Prisma } from '../generated/prisma/client';
import { statusesAfter } from '../domain/delivery-status';
import type { SendMessageCommand, SendOutcome } from '../workflows/contracts';
import { receiptEventId, receiptSource, type ProviderMessage } from './delivery-receipts';
import { recentRoutineSends } from './frequency-cap-hold';

/** The message an earlier attempt of the same command recorded. */
export interface RecordedMessage {
  provider: string;
  /** Set once the provider accepted it: that attempt sent it. */
  providerMessageId: string | null;
  status: string;
  body: string;
  createdAt: Date;
}

export interface OpenedSend {
  /** The outcome an earlier attempt completed with: the answer again. */
  priorOutcome: SendOutcome | null;
  recorded: RecordedMessage | null;
  /** Whether the patient opted out (false for a contact seen the first time). */
  optedOut: boolean;
  /** Messages counted against the plan in the send's month. */
  monthSent: number;
  /** Whether the clinic was told this month that 80% of the allowance is used, or that it is spent. */
  warned: { softLimit: boolean; hardLimit: boolean };
  /** Epoch ms of the routine messages the patient was sent in the 7 days up to the send (routine sends only). */
  recentRoutine: number[];
}

interface OpenedRow {
  priorOutcome: SendOutcome | null;
  recordedProvider: string | null;
  recordedProviderMessageId: string | null;
  recordedStatus: string | null;
  recordedBody: string | null;
  recordedAt: Date | null;
  optedOut: boolean | null;
  monthSent: number | null;
  softLimitWarned: boolean | null;
  hardLimitReached: boolean | null;
  recentRoutine: number[] | null;
}

/**
 * Reads what the send decides on and writes the patient's contact (name, locale) — unless an earlier
 * attempt has already sent it, whose contact write is done. `routineAt`: the send's instant, for a
 * routine message the frequency cap counts against.
 */
export async function openSend(db: Db, cmd: SendMessageCommand, month: string, routineAt: DateTime | null): Promise<OpenedSend> {
  const { tenantId, commandId, to } = cmd;
  const now = new Date();
  const recentRoutine = routineAt ? Prisma.sql`ARRAY(${recentRoutineSends(tenantId, to, routineAt)})` : Prisma.sql`'{}'::float8[]`;
  const [row] = await db.$queryRaw<OpenedRow[]>`
    WITH prior AS (
      SELECT "result" FROM "SkillInvocation" WHERE "tenantId" = ${tenantId} AND "commandId" = ${commandId} AND "result" IS NOT NULL
    ), recorded AS (
      SELECT "provider", "providerMessageId", "status", "body", "createdAt" FROM "Message" WHERE "tenantId" = ${tenantId} AND "commandId" = ${commandId}
    ), contact AS (
      INSERT INTO "Contact" ("id", "tenantId", "phone", "name", "locale", "optedOut", "createdAt", "updatedAt")
      SELECT ${`c_${tenantId}_${to}`}::text, ${tenantId}::text, ${to}::text, ${cmd.patientName}::text, ${cmd.locale ?? null}::text, false,
        ${now}::timestamp(3), ${now}::timestamp(3)
      WHERE NOT EXISTS (SELECT 1 FROM prior) AND NOT EXISTS (SELECT 1 FROM recorded WHERE "providerMessageId" IS NOT NULL)
      ON CONFLICT ("tenantId", "phone") DO UPDATE SET
        "name" = EXCLUDED."name", "locale" = COALESCE(EXCLUDED."locale", "Contact"."locale"), "updatedAt" = EXCLUDED."updatedAt"
      RETURNING "optedOut"
    ), usage AS (
      SELECT "messages", "softLimitWarnedAt", "hardLimitReachedAt" FROM "MessageUsage" WHERE "tenantId" = ${tenantId} AND "month" = ${month}
    )
    SELECT
      (SELECT "result" FROM prior) AS "priorOutcome",
      (SELECT "provider" FROM recorded) AS "recordedProvider",
      (SELECT "providerMessageId" FROM recorded) AS "recordedProviderMessageId",
      (SELECT "status" FROM recorded) AS "recordedStatus",
      (SELECT "body" FROM recorded) AS "recordedBody",
      (SELECT "createdAt" FROM recorded) AS "recordedAt",
      (SELECT "optedOut" FROM contact) AS "optedOut",
      (SELECT "messages" FROM usage) AS "monthSent",
      (SELECT "softLimitWarnedAt" IS NOT NULL FROM usage) AS "softLimitWarned",
      (SELECT "hardLimitReachedAt" IS NOT NULL FROM usage) AS "hardLimitReached",
      ${recentRoutine} AS "recentRoutine"`;
  return {
    priorOutcome: row.priorOutcome,
    recorded:
      row.recordedProvider !== null
        ? {
            provider: row.recordedProvider,
            providerMessageId: row.recordedProviderMessageId,
            status: row.recordedStatus!,
            body: row.recordedBody!,
            createdAt: row.recordedAt!,
          }
        : null,
    optedOut: row.optedOut ?? false,
    monthSent: row.monthSent ?? 0,
    warned: { softLimit: row.softLimitWarned ?? false, hardLimit: row.hardLimitReached ?? false },
    recentRoutine: row.recentRoutine ?? [],
  };
}

/** The message, recorded under its command id before the provider is asked (a retry finds it); once. */
export async function recordPending(db: Db, cmd: SendMessageCommand, provider: string, body: string): Promise<void> {
  await db.$executeRaw`
    INSERT INTO "Message" ("id", "tenantId", "commandId", "appointmentId", "direction", "channel", "toPhone", "kind", "urgency",
      "body", "provider", "status", "createdAt")
    VALUES (${`m_${cmd.commandId}`}, ${cmd.tenantId}, ${cmd.commandId}, ${cmd.workflowId}, 'outbound', ${cmd.channel}, ${cmd.to},
      ${cmd.template}, ${cmd.urgency}, ${body}, ${provider}, 'pending', ${new Date()})
    ON CONFLICT DO NOTHING`;
}

export interface ProviderAnswer {
  providerMessageId: string;
  status: string;
  segments: number;
  /** The workflow's instant of sending, so the frequency cap counts in the clock the workflow schedules in. */
  sentAt: Date;
}

/**
 * Stores the provider's id and status on the message and counts it against the month, in one
 * statement: counted only by the attempt that stored the id, so a message counts once.
 */
export async function recordSent(db: Db, cmd: SendMessageCommand, month: string, answer: ProviderAnswer): Promise<void> {
  const { providerMessageId, status, segments, sentAt } = answer;
  await db.$executeRaw`
    WITH completed AS (
      UPDATE "Message" SET "providerMessageId" = ${providerMessageId}, "status" = ${status}, "segments" = ${segments},
        "sentAt" = ${sentAt}, "deliveredAt" = ${status === 'delivered' ? sentAt : null}
      WHERE "tenantId" = ${cmd.tenantId} AND "commandId" = ${cmd.commandId} AND "providerMessageId" IS NULL
      RETURNING 1
    )
    INSERT INTO "MessageUsage" ("tenantId", "month", "messages", "segments", "updatedAt")
    SELECT ${cmd.tenantId}::text, ${month}::text, 1, ${segments}::int, ${new Date()}::timestamp(3) FROM completed
    ON CONFLICT ("tenantId", "month") DO UPDATE SET
      "messages" = "MessageUsage"."messages" + 1, "segments" = "MessageUsage"."segments" + EXCLUDED."segments", "updatedAt" = EXCLUDED."updatedAt"`;
}

/** A sent message as it stands once its outcome is stored. */
export interface SentMessageNow {
  status: string;
  errorCode: string | null;
  /** Whether receipts that overtook the provider's answer wait for it (`unmatched` in the delivery ledger). */
  receiptsWaiting: boolean;
}

function storeOutcome(cmd: SendMessageCommand, outcome: SendOutcome): Prisma.Sql {
  const now = new Date();
  return Prisma.sql`
    INSERT INTO "SkillInvocation" ("tenantId", "commandId", "skill", "request", "result", "createdAt", "completedAt")
    VALUES (${cmd.tenantId}, ${cmd.commandId}, 'messaging.send', ${JSON.stringify(cmd)}::jsonb, ${JSON.stringify(outcome)}::jsonb, ${now}, ${now})
    ON CONFLICT ("tenantId", "commandId") DO UPDATE SET "result" = EXCLUDED."result", "completedAt" = EXCLUDED."completedAt"`;
}

/** Stores the outcome under the command id: a retry of the command answers it without acting. */
export async function completeSend(db: Db, cmd: SendMessageCommand, outcome: SendOutcome): Promise<void> {
  await db.$executeRaw(storeOutcome(cmd, outcome));
}

/**
 * Stores a sent outcome and reads the message as it then stands. The provider's id was stored by an
 * earlier statement, so this look at the ledger comes after that write (see delivery-receipts.ts).
 */
export async function completeSent(db: Db, cmd: SendMessageCommand, outcome: SendOutcome, message: ProviderMessage): Promise<SentMessageNow> {
  const waitingIds = statusesAfter('pending').map((status) => receiptEventId(message.providerMessageId, status));
  const [row] = await db.$queryRaw<SentMessageNow[]>`
    WITH invocation AS (${storeOutcome(cmd, outcome)})
    SELECT m."status", m."errorCode", EXISTS (
      SELECT 1 FROM "WebhookEvent" w
      WHERE w."tenantId" = ${message.tenantId} AND w."source" = ${receiptSource(message.provider)}
        AND w."eventId" = ANY(${waitingIds}) AND w."state" = 'unmatched'
    ) AS "receiptsWaiting"
    FROM "Message" m
    WHERE m."tenantId" = ${message.tenantId} AND m."provider" = ${message.provider} AND m."providerMessageId" = ${message.providerMessageId}`;
  if (!row) throw new Error(`message ${message.providerMessageId} of command ${cmd.commandId} is not recorded`);
  return row;
}
