// Turns what ARO knows about an appointment — the workflow's snapshot, or the projection row with
// the audit log and stored messages once the workflow has closed — into what the clinic's API shows.
import type { AuditEvent, Message, Appointment as ProjectedAppointment } from '../../generated/prisma/client';
import type { AppointmentSnapshot, AppointmentStatus, Channel, TouchKind } from '../../workflows/contracts';
import { type Appointment, type AppointmentSummary } from '../graphql/models/appointment.model';
import { AppointmentSourceValue } from '../graphql/models/enums';

export function summaryFromProjection(row: ProjectedAppointment): AppointmentSummary {
  return {
    externalId: row.externalId,
    status: row.status as AppointmentStatus,
    needsAttention: row.needsAttention,
    startsAt: row.startsAt,
    patient: { name: row.patientName, phone: row.patientPhone, locale: null },
    provider: row.provider,
    location: row.location,
    nextTouch: row.nextTouchAt && row.nextTouchKind ? { at: row.nextTouchAt, kind: row.nextTouchKind as TouchKind, template: null } : null,
  };
}

export function appointmentFromSnapshot(s: AppointmentSnapshot): Appointment {
  const a = s.appointment;
  return {
    externalId: a.externalId,
    status: s.status,
    needsAttention: s.needsAttention,
    attentionReasons: s.attentionReasons,
    startsAt: new Date(a.startsAt),
    durationMinutes: a.durationMinutes,
    patient: { name: a.patient.name, phone: a.patient.phone, locale: a.patient.locale ?? null },
    provider: a.provider ?? null,
    location: a.location ?? null,
    nextTouch: s.nextTouch ? { at: new Date(s.nextTouch.at), kind: s.nextTouch.kind, template: s.nextTouch.template ?? null } : null,
    timeline: s.timeline.map((t) => ({ at: new Date(t.at), kind: t.kind, detail: t.detail ?? null })),
    messages: s.messages.map((m) => ({
      at: new Date(m.at),
      direction: m.direction,
      channel: m.channel,
      body: m.body,
      status: m.status,
      kind: m.kind ?? null,
    })),
    source: AppointmentSourceValue.WORKFLOW,
    revision: s.revision,
  };
}

/** A closed appointment: its last projected state, its audit trail as the timeline, its stored messages. */
export function appointmentFromProjection(row: ProjectedAppointment, audit: AuditEvent[], messages: Message[]): Appointment {
  return {
    ...summaryFromProjection(row),
    durationMinutes: null,
    attentionReasons: [],
    timeline: audit.map((e) => ({ at: e.at, kind: e.action, detail: auditDetail(e) })),
    messages: messages.map((m) => ({
      at: m.sentAt ?? m.createdAt,
      direction: m.direction as 'outbound' | 'inbound',
      channel: m.channel as Channel,
      body: m.body,
      status: m.status,
      kind: m.kind,
    })),
    source: AppointmentSourceValue.PROJECTION,
    revision: row.revision,
  };
}

/** The audit entry's actor when it is not ARO itself, as the workflow's own timeline says "by <actor>". */
function auditDetail(e: AuditEvent): string | null {
  return e.actor === 'aro' ? null : `by ${e.actor}`;
}
