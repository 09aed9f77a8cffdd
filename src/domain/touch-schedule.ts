// The reminder schedule: turns a tenant's policy and an appointment into UTC instants, in the
// clinic's time zone and out of quiet hours. Runs in activities (never in workflow code) because
// it needs the time-zone database.
import { DateTime, Duration } from 'luxon';
import type {
  PlanFollowUpCommand,
  PlanTouchesCommand,
  PlannedTouch,
  Policy,
  QuietHours,
  TouchPlanResult,
} from '../workflows/contracts';
import { isQuiet, quietWindowEnd, quietWindowStart } from './quiet-hours';

export type TouchPlan = TouchPlanResult;

function iso(at: DateTime): string {
  return at.toUTC().toISO({ suppressMilliseconds: false })!;
}

/**
 * Moves a message instant out of quiet hours: to the end of the window, or, when that would
 * be at or after the appointment, to the last minute before the window began. Returns null
 * when no allowed instant remains.
 */
function outOfQuietHours(
  at: DateTime,
  quiet: QuietHours | null,
  timeZone: string,
  notAfter: DateTime | null,
  notBefore: DateTime,
): { at: DateTime; note?: string } | null {
  if (!quiet || !isQuiet(at, quiet, timeZone)) return { at };
  const end = quietWindowEnd(at, quiet, timeZone);
  if (!notAfter || end < notAfter) return { at: end, note: `moved out of quiet hours (${quiet.start}–${quiet.end})` };
  const before = quietWindowStart(at, quiet, timeZone).minus({ minutes: 1 });
  if (before > notBefore) {
    return { at: before, note: `moved before quiet hours (${quiet.start}–${quiet.end}) so it precedes the appointment` };
  }
  return null;
}

export function planTouches(cmd: PlanTouchesCommand): TouchPlan {
  const { policy, timeZone, appointment, revision } = cmd;
  const now = DateTime.fromISO(cmd.now, { zone: 'utc' });
  // In the clinic's zone, so "2 days before 10:00" is 10:00 local even across a daylight-saving change.
  const startsAt = DateTime.fromISO(appointment.startsAt, { zone: 'utc' }).setZone(timeZone);
  const touches: PlannedTouch[] = [];
  const skipped: TouchPlan['skipped'] = [];
  const prefix = `r${revision}`;

  if (cmd.includeBookingConfirmation && policy.bookingConfirmation.enabled && startsAt > now) {
    // A reply to the booking itself: sent at once, like any answer to something the patient did.
    touches.push({
      id: `${prefix}:booking_confirmation`,
      kind: 'booking_confirmation',
      at: iso(now),
      channel: policy.bookingConfirmation.channel,
      template: 'booking_confirmation',
    });
  }

  policy.reminders.forEach((rule, index) => {
    const due = startsAt.minus(Duration.fromISO(rule.before));
    const moved = outOfQuietHours(due, policy.quietHours, timeZone, startsAt, now);
    if (!moved) {
      skipped.push({ kind: 'reminder', template: rule.template, reason: 'no time outside quiet hours before the appointment' });
      return;
    }
    if (moved.at <= now) {
      skipped.push({ kind: 'reminder', template: rule.template, reason: `its moment (${rule.before} before) had passed at booking` });
      return;
    }
    touches.push({
      id: `${prefix}:reminder:${index}`,
      kind: 'reminder',
      at: iso(moved.at),
      channel: rule.channel,
      template: rule.template,
      asksConfirmation: rule.asksConfirmation,
      onlyIf: rule.onlyIf,
      note: moved.note,
    });
  });

  if (policy.confirmationDeadline) {
    const due = startsAt.minus(Duration.fromISO(policy.confirmationDeadline));
    if (due > now) touches.push({ id: `${prefix}:confirmation_deadline`, kind: 'confirmation_deadline', at: iso(due) });
  }

  const end = startsAt.plus({ minutes: appointment.durationMinutes });
  touches.push({
    id: `${prefix}:attendance_window`,
    kind: 'attendance_window',
    at: iso(end.plus(Duration.fromISO(policy.attendanceWindow))),
  });

  touches.sort((a, b) => a.at.localeCompare(b.at));
  return { touches, skipped };
}

/** The message after the visit: a review request after attendance, a rebook message after a no-show. */
export function planFollowUp(cmd: PlanFollowUpCommand): TouchPlan {
  const rule: Policy['reviewRequest'] = cmd.outcome === 'completed' ? cmd.policy.reviewRequest : cmd.policy.rebookMessage;
  const kind = cmd.outcome === 'completed' ? 'review_request' : 'rebook';
  if (!rule) return { touches: [], skipped: [{ kind, reason: 'disabled by policy' }] };
  const now = DateTime.fromISO(cmd.now, { zone: 'utc' }).setZone(cmd.timeZone);
  const due = now.plus(Duration.fromISO(rule.after));
  const moved = outOfQuietHours(due, cmd.policy.quietHours, cmd.timeZone, null, now)!;
  return {
    touches: [
      {
        id: `r${cmd.revision}:${kind}`,
        kind,
        at: iso(moved.at),
        channel: rule.channel,
        template: kind,
        note: moved.note,
      },
    ],
    skipped: [],
  };
}
