// Writes what an appointment's workflow decided to PostgreSQL: consent changes, the read-model row,
// the timeline and the audit entries of the step (and, after the visit, plans the follow-up in the
// same step). Every part is idempotent by its key, so a retried step records once. Consent goes first
// because the send skill reads it; the row, the timeline and the audit then go in one statement (one
// round trip, all or nothing), since every lifecycle step ends here.
import { projectionUpsert } from '../db/appointment-projection';
import { oneStatement } from '../db/one-statement';
import type { Db } from '../db/prisma';
import { Prisma } from '../generated/prisma/client';
import type { AppointmentProjection, AppointmentRecordCommand, AppointmentRecordResult, AuditEntry, TouchPlanResult } from '../workflows/contracts';
import type { RecordStateCommandV1 } from '../workflows/v1/lifecycle-state-v1';
import { recordConsentChange } from './consent';
import { createPlanningActivities } from './planning';

// Instants travel as ISO text and are stored as PostgreSQL's `timestamp` columns hold them (UTC,
// without a zone), whatever the session's zone.

/** The entries, once each by their position in the lifecycle's timeline (a retried step's are duplicates). */
function timelineInsert(cmd: AppointmentRecordCommand): Prisma.Sql | undefined {
  const { timeline } = cmd;
  if (timeline.length === 0) return undefined;
  return Prisma.sql`
    INSERT INTO "TimelineEntry" ("tenantId", "workflowId", "lifecycleId", "seq", "at", "kind", "detail")
    SELECT ${cmd.tenantId}::text, ${cmd.workflowId}::text, ${cmd.lifecycleId}::text, t.seq, t.at AT TIME ZONE 'UTC', t.kind, t.detail
    FROM unnest(${timeline.map((t) => t.seq ?? null)}::int[], ${timeline.map((t) => new Date(t.at).toISOString())}::timestamptz[],
      ${timeline.map((t) => t.kind)}::text[], ${timeline.map((t) => t.detail ?? null)}::text[]) AS t(seq, at, kind, detail)
    ON CONFLICT DO NOTHING`;
}

/** The entries, once each by their dedupe key (id `a_<key>`, unique per tenant too). */
function auditInsert(tenantId: string, audit: AuditEntry[]): Prisma.Sql | undefined {
  if (audit.length === 0) return undefined;
  return Prisma.sql`
    INSERT INTO "AuditEvent" ("id", "tenantId", "dedupeKey", "actor", "action", "subject", "detail", "at")
    SELECT 'a_' || a.key, ${tenantId}::text, a.key, a.actor, a.action, a.subject, a.detail, a.at AT TIME ZONE 'UTC'
    FROM unnest(${audit.map((e) => e.dedupeKey)}::text[], ${audit.map((e) => e.actor)}::text[], ${audit.map((e) => e.action)}::text[],
      ${audit.map((e) => e.subject)}::text[], ${audit.map((e) => JSON.stringify(e.detail))}::jsonb[],
      ${audit.map((e) => new Date(e.at).toISOString())}::timestamptz[]) AS a(key, actor, action, subject, detail, at)
    ON CONFLICT DO NOTHING`;
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
    const projection = p && projectionUpsert({ tenantId: cmd.tenantId, workflowId: cmd.workflowId, revision: cmd.revision, projection: p });
    const writes = [projection, timelineInsert(cmd), auditInsert(cmd.tenantId, cmd.audit)];
    if (writes.some((w) => w !== undefined)) await db.$executeRaw(oneStatement(writes));
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
