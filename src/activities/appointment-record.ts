// Writes what an appointment's workflow decided to PostgreSQL: consent changes, the read-model row,
// the timeline and the audit entries of the step (and, after the visit, plans the follow-up in the
// same step). Every part is idempotent by its key, so a retried step records once; consent goes
// first because the send skill reads it.
import { writeProjection } from '../db/appointment-projection';
import type { Db } from '../db/prisma';
import type { Prisma } from '../generated/prisma/client';
import type { AppointmentProjection, AppointmentRecordCommand, AppointmentRecordResult, AuditEntry, TouchPlanResult } from '../workflows/contracts';
import type { RecordStateCommandV1 } from '../workflows/v1/lifecycle-state-v1';
import { recordConsentChange } from './consent';
import { createPlanningActivities } from './planning';

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

/** The projection with a planned follow-up counted in its next touch. */
function withFollowUp(p: AppointmentProjection, plan: TouchPlanResult, now: string): AppointmentProjection {
  const ahead = plan.touches.filter((t) => Date.parse(t.at) > Date.parse(now));
  const candidates = [...(p.nextTouchAt ? [{ at: p.nextTouchAt, kind: p.nextTouchKind! }] : []), ...ahead];
  const next = candidates.sort((a, b) => Date.parse(a.at) - Date.parse(b.at))[0];
  return { ...p, nextTouchAt: next?.at ?? null, nextTouchKind: next?.kind ?? null };
}

export function createAppointmentRecord({ db }: { db: Db }) {
  const planning = createPlanningActivities({ db });
  return async function recordAppointment(cmd: AppointmentRecordCommand): Promise<AppointmentRecordResult> {
    for (const change of cmd.consent) await recordConsentChange(db, change);
    const followUp = cmd.followUp ? await planning.planFollowUp(cmd.followUp) : undefined;
    const p = cmd.projection && followUp && cmd.followUp ? withFollowUp(cmd.projection, followUp, cmd.followUp.now) : cmd.projection;
    if (p) await writeProjection(db, { tenantId: cmd.tenantId, workflowId: cmd.workflowId, revision: cmd.revision, projection: p });
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
    return { projection: p, followUp };
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
        attentionReasons: s.attentionReasons,
      },
      timeline: [],
      audit: cmd.audit,
      consent: [],
    });
  };
}
