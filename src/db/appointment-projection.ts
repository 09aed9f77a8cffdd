// The Appointment read-model row, written by the workflow's record step and, when the API starts a
// lifecycle, once by the API (revision 0) so the clinic sees the appointment at once.
import { Prisma } from '../generated/prisma/client';
import type { AppointmentProjection } from '../workflows/contracts';
import { oneStatement } from './one-statement';
import type { Db } from './prisma';

export interface ProjectionWrite {
  tenantId: string;
  workflowId: string;
  /** Orders writes: a late, retried one never overwrites a newer row. */
  revision: number;
  projection: AppointmentProjection;
}

/** The row's upsert as one statement: only a newer revision (or a retry of the same one) replaces the row. */
export function projectionUpsert({ tenantId, workflowId, revision, projection: p }: ProjectionWrite): Prisma.Sql {
  return Prisma.sql`
    INSERT INTO "Appointment" ("tenantId", "externalId", "workflowId", "status", "needsAttention", "startsAt",
      "patientName", "patientPhone", "provider", "location", "nextTouchAt", "nextTouchKind", "attentionReasons", "revision", "updatedAt")
    VALUES (${tenantId}, ${p.externalId}, ${workflowId}, ${p.status}, ${p.needsAttention}, ${new Date(p.startsAt)},
      ${p.patientName}, ${p.patientPhone}, ${p.provider}, ${p.location},
      ${p.nextTouchAt ? new Date(p.nextTouchAt) : null}, ${p.nextTouchKind}, ${p.attentionReasons ?? []}::text[], ${revision}, now() AT TIME ZONE 'UTC')
    ON CONFLICT ("tenantId", "externalId") DO UPDATE SET
      "workflowId" = EXCLUDED."workflowId", "status" = EXCLUDED."status", "needsAttention" = EXCLUDED."needsAttention",
      "startsAt" = EXCLUDED."startsAt", "patientName" = EXCLUDED."patientName", "patientPhone" = EXCLUDED."patientPhone",
      "provider" = EXCLUDED."provider", "location" = EXCLUDED."location", "nextTouchAt" = EXCLUDED."nextTouchAt",
      "nextTouchKind" = EXCLUDED."nextTouchKind", "attentionReasons" = EXCLUDED."attentionReasons",
      "revision" = EXCLUDED."revision", "updatedAt" = EXCLUDED."updatedAt"
    WHERE "Appointment"."revision" < EXCLUDED."revision"
      OR ("Appointment"."revision" = EXCLUDED."revision" AND EXCLUDED."revision" > 0)`;
}

/**
 * @param alongside a write made in the same statement, so in one round trip and atomically with the
 *   row (the booking webhook's settlement of its delivery ledger entry).
 */
export async function writeProjection(db: Db, write: ProjectionWrite, alongside?: Prisma.Sql): Promise<void> {
  await db.$executeRaw(oneStatement([alongside, projectionUpsert(write)]));
}
