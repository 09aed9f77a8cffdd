// Writes what an appointment's workflow decided to PostgreSQL: consent changes, the read-model row,
// the timeline and the audit entries of the step. Every part is idempotent by its key, so a retried
// step records once; consent goes first because the send skill reads it.
import type { Db } from '../db/prisma';
import type { Prisma } from '../generated/prisma/client';
import type { AppointmentRecordCommand, AuditEntry } from '../workflows/contracts';
import type { RecordStateCommandV1 } from '../workflows/v1/lifecycle-state-v1';
import { recordConsentChange } from './consent';

async function writeAudit(db: Db, tenantId: string, audit: AuditEntry[]): Promise<void> {
  if (audit.length === 0) return;
  await db.auditEvent.createMany({
    data: audit.map((e) => ({
      id: `a_${e.dedupeKey}`,
      tenantId,
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

export function createAppointmentRecord({ db }: { db: Db }) {
  return async function recordAppointment(cmd: AppointmentRecordCommand): Promise<void> {
    for (const change of cmd.consent) await recordConsentChange(db, change);
    const p = cmd.projection;
    if (p) {
      // The revision guard keeps a late, retried projection from overwriting a newer one.
      await db.$executeRaw`
        INSERT INTO "Appointment" ("tenantId", "externalId", "workflowId", "status", "needsAttention", "startsAt",
          "patientName", "patientPhone", "provider", "location", "nextTouchAt", "nextTouchKind", "revision", "updatedAt")
        VALUES (${cmd.tenantId}, ${p.externalId}, ${cmd.workflowId}, ${p.status}, ${p.needsAttention}, ${new Date(p.startsAt)},
          ${p.patientName}, ${p.patientPhone}, ${p.provider}, ${p.location},
          ${p.nextTouchAt ? new Date(p.nextTouchAt) : null}, ${p.nextTouchKind}, ${cmd.revision}, now())
        ON CONFLICT ("tenantId", "externalId") DO UPDATE SET
          "workflowId" = EXCLUDED."workflowId", "status" = EXCLUDED."status", "needsAttention" = EXCLUDED."needsAttention",
          "startsAt" = EXCLUDED."startsAt", "patientName" = EXCLUDED."patientName", "patientPhone" = EXCLUDED."patientPhone",
          "provider" = EXCLUDED."provider", "location" = EXCLUDED."location", "nextTouchAt" = EXCLUDED."nextTouchAt",
          "nextTouchKind" = EXCLUDED."nextTouchKind", "revision" = EXCLUDED."revision", "updatedAt" = now()
        WHERE "Appointment"."revision" <= EXCLUDED."revision"`;
    }
    if (cmd.timeline.length > 0) {
      await db.timelineEntry.createMany({
        data: cmd.timeline.map((t) => ({
          tenantId: cmd.tenantId,
          workflowId: cmd.workflowId,
          lifecycleId: cmd.lifecycleId,
          seq: t.seq!,
          at: new Date(t.at),
          kind: t.kind,
          detail: t.detail ?? null,
        })),
        skipDuplicates: true,
      });
    }
    await writeAudit(db, cmd.tenantId, cmd.audit);
  };
}

/** Version 1's step (the whole snapshot each time), kept for the version-1 runs still open. */
export function createAppointmentStateRecord({ db }: { db: Db }) {
  const record = createAppointmentRecord({ db });
  return async function recordAppointmentState(cmd: RecordStateCommandV1): Promise<void> {
    const s = cmd.snapshot;
    const a = s.appointment;
    const next = s.nextTouch;
    await record({
      tenantId: cmd.tenantId,
      workflowId: s.workflowId,
      lifecycleId: s.workflowId,
      revision: s.revision,
      projection: {
        externalId: a.externalId,
        status: s.status,
        needsAttention: s.needsAttention,
        startsAt: a.startsAt,
        patientName: a.patient.name,
        patientPhone: a.patient.phone,
        provider: a.provider ?? null,
        location: a.location ?? null,
        nextTouchAt: next?.at ?? null,
        nextTouchKind: next?.kind ?? null,
      },
      timeline: [],
      audit: cmd.audit,
      consent: [],
    });
  };
}
