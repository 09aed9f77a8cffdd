// Turns what ARO knows about an appointment — the workflow's snapshot, or the projection row once
// the workflow has closed, with the stored timeline and messages — into what the clinic's API shows.
import type { AuditEvent, Message, Appointment as ProjectedAppointment, TimelineEntry as StoredTimelineEntry } from '../../generated/prisma/client';
import type { AppointmentSnapshot, AppointmentStatus, Channel, TouchKind } from '../../workflows/contracts';
import { type Appointment, type AppointmentSummary } from '../graphql/models/appointment.model';
import { AppointmentSourceValue } from '../graphql/models/enums';

export function summaryFromProjection(row: ProjectedAppointment): AppointmentSummary {
  return {
    externalId: row.externalId,
    status: row.status as AppointmentStatus,
    needsAttention: row.needsAttention,
    attentionReasons: row.attentionReasons,
    startsAt: row.startsAt,
    patient: { name: row.patientName, phone: row.patientPhone, locale: null },
    provider: row.provider,
    location: row.location,
    nextTouch: row.nextTouchAt && row.nextTouchKind ? { at: row.nextTouchAt, kind: row.nextTouchKind as TouchKind, template: null } : null,
  };
}

/**
 * A running appointment: its live state, the stored timeline followed by the entries the workflow
 * has not written yet, and the stored thread (complete, with each message's delivery status).
 */
export function appointmentFromSnapshot(s: AppointmentSnapshot, stored: StoredTimelineEntry[], messages: Message[]): Appointment {
  const a = s.appointment;
  const storedSeqs = new Set(stored.map((t) => t.seq));
  const fromSnapshot = (t: AppointmentSnapshot['timeline'][number]) => ({ at: new Date(t.at), kind: t.kind, detail: t.detail ?? null });
  // Version-1 runs number nothing and keep their whole timeline in the snapshot.
  const wholeInSnapshot = s.timeline.some((t) => t.seq === undefined);
  const timeline = wholeInSnapshot
    ? s.timeline.map(fromSnapshot)
    : [...stored.map(storedEntry), ...s.timeline.filter((t) => !storedSeqs.has(t.seq!)).map(fromSnapshot)];
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
    timeline,
    messages: messages.map(storedMessage),
    source: AppointmentSourceValue.WORKFLOW,
    revision: s.revision,
  };
}

/**
 * What the API records about a lifecycle after it has ended (a late booking event, answered
 * "ignored"; staff resolving what still needed attention): the workflow can no longer put it in its
 * timeline, so the view adds it from the audit log.
 */
function recordedAfterClose(e: AuditEvent): boolean {
  // The workflow's own entries carry its dedupe key; the API's, written after the end, none.
  return e.action === 'booking.ignored' || (e.action === 'attention.resolved' && e.dedupeKey === null);
}

/** A closed appointment: its last projected state, its stored timeline (the audit trail for version-1 runs), its stored messages. */
export function appointmentFromProjection(row: ProjectedAppointment, stored: StoredTimelineEntry[], audit: AuditEvent[], messages: Message[]): Appointment {
  return {
    ...summaryFromProjection(row),
    durationMinutes: null,
    timeline:
      stored.length > 0
        ? [...stored.map(storedEntry), ...audit.filter(recordedAfterClose).map(auditEntry)]
        : audit.map(auditEntry),
    messages: messages.map(storedMessage),
    source: AppointmentSourceValue.PROJECTION,
    revision: row.revision,
  };
}

function storedEntry(t: StoredTimelineEntry) {
  return { at: t.at, kind: t.kind, detail: t.detail };
}

function storedMessage(m: Message) {
  return {
    at: m.sentAt ?? m.createdAt,
    direction: m.direction as 'outbound' | 'inbound',
    channel: m.channel as Channel,
    body: m.body,
    status: m.status,
    kind: m.kind,
    errorCode: m.errorCode,
    providerMessageId: m.providerMessageId,
  };
}

function auditEntry(e: AuditEvent) {
  return { at: e.at, kind: e.action, detail: auditDetail(e) };
}

/** The audit entry's actor when it is not ARO itself, as the workflow's own timeline says "by <actor>"; which event a late one was. */
function auditDetail(e: AuditEvent): string | null {
  if (e.action === 'booking.ignored') {
    const late = e.detail as { eventType?: string; eventId?: string };
    return `${late.eventType} ${late.eventId}`;
  }
  if (recordedAfterClose(e)) return (e.detail as { description?: string }).description ?? null;
  return e.actor === 'aro' ? null : `by ${e.actor}`;
}
