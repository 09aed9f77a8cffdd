// Writes what the workflow decided to PostgreSQL: the appointment's read-model row and the
// audit entries of the step. Both are idempotent, so a retried activity records once.
import type { Db } from '../db/prisma';
import type { Prisma } from '../generated/prisma/client';
import type { RecordStateCommand } from '../workflows/contracts';

export function createAppointmentRecord({ db }: { db: Db }) {
  return async function recordAppointmentState(cmd: RecordStateCommand): Promise<void> {
    const s = cmd.snapshot;
    const a = s.appointment;
    // The revision guard keeps a late, retried projection from overwriting a newer one.
    await db.$executeRaw`
      INSERT INTO "Appointment" ("tenantId", "externalId", "workflowId", "status", "needsAttention", "startsAt",
        "patientName", "patientPhone", "provider", "location", "nextTouchAt", "nextTouchKind", "revision", "updatedAt")
      VALUES (${cmd.tenantId}, ${a.externalId}, ${s.workflowId}, ${s.status}, ${s.needsAttention}, ${new Date(a.startsAt)},
        ${a.patient.name}, ${a.patient.phone}, ${a.provider ?? null}, ${a.location ?? null},
        ${s.nextTouch ? new Date(s.nextTouch.at) : null}, ${s.nextTouch?.kind ?? null}, ${s.revision}, now())
      ON CONFLICT ("tenantId", "externalId") DO UPDATE SET
        "workflowId" = EXCLUDED."workflowId", "status" = EXCLUDED."status", "needsAttention" = EXCLUDED."needsAttention",
        "startsAt" = EXCLUDED."startsAt", "patientName" = EXCLUDED."patientName", "patientPhone" = EXCLUDED."patientPhone",
        "provider" = EXCLUDED."provider", "location" = EXCLUDED."location", "nextTouchAt" = EXCLUDED."nextTouchAt",
        "nextTouchKind" = EXCLUDED."nextTouchKind", "revision" = EXCLUDED."revision", "updatedAt" = now()
      WHERE "Appointment"."revision" <= EXCLUDED."revision"`;
    if (cmd.audit.length > 0) {
      await db.auditEvent.createMany({
        data: cmd.audit.map((e) => ({
          id: `a_${e.dedupeKey}`,
          tenantId: cmd.tenantId,
          dedupeKey: e.dedupeKey,
          actor: e.actor,
          action: e.action,
          subject: e.subject,
          detail: e.detail as Prisma.InputJsonValue,
          at: new Date(e.at),
        })),
        skipDuplicates: true,
      });
    }
  };
}
