// The reminder schedule: instants in the clinic's time zone, quiet hours, touches already past.
import assert from 'node:assert/strict';
import { defaultPolicy } from '../src/domain/policy';
import { planFollowUp, planTouches } from '../src/domain/touch-schedule';
import type { AppointmentDetails } from '../src/workflows/contracts';

const zone = 'America/New_York';
function appointment(startsAt: string): AppointmentDetails {
  return { externalId: 'a1', startsAt, durationMinutes: 30, patient: { name: 'Ana Ruiz', phone: '+14155550100' } };
}
function plan(startsAt: string, now: string) {
  return planTouches({ timeZone: zone, policy: defaultPolicy(), appointment: appointment(startsAt), now, revision: 0, includeBookingConfirmation: true });
}

describe('touch schedule', () => {
  it('plans confirmation now, reminders 2 days and 2 hours before, the deadline and the attendance window', () => {
    // 2026-12-10 10:00 in New York is 15:00 UTC.
    const { touches, skipped } = plan('2026-12-10T15:00:00.000Z', '2026-12-01T14:00:00.000Z');
    assert.deepEqual(skipped, []);
    assert.deepEqual(
      touches.map((t) => [t.kind, t.template ?? null, t.at]),
      [
        ['booking_confirmation', 'booking_confirmation', '2026-12-01T14:00:00.000Z'],
        ['reminder', 'reminder_confirm', '2026-12-08T15:00:00.000Z'],
        ['confirmation_deadline', null, '2026-12-09T15:00:00.000Z'],
        ['reminder', 'reminder_final', '2026-12-10T13:00:00.000Z'],
        ['attendance_window', null, '2026-12-11T15:30:00.000Z'],
      ],
    );
  });

  it('moves a touch inside quiet hours to the end of the window, in the clinic time zone', () => {
    // 09:00 New York → final reminder due 07:00 (quiet) → 08:00 local = 13:00 UTC.
    const { touches } = plan('2026-12-10T14:00:00.000Z', '2026-12-01T14:00:00.000Z');
    const final = touches.find((t) => t.template === 'reminder_final')!;
    assert.equal(final.at, '2026-12-10T13:00:00.000Z');
    assert.match(final.note!, /quiet hours/);
  });

  it('moves a touch before the quiet window when its end would be past the appointment', () => {
    // 07:30 New York (12:30 UTC): 2h before = 05:30 quiet; window ends 08:00, after the start → 20:59 the evening before.
    const { touches } = plan('2026-12-10T12:30:00.000Z', '2026-12-01T14:00:00.000Z');
    const final = touches.find((t) => t.template === 'reminder_final')!;
    assert.equal(final.at, '2026-12-10T01:59:00.000Z');
  });

  it('follows daylight saving: 10:00 local stays 10:00 local across the March change', () => {
    // 2027-03-15 10:00 EDT = 14:00 UTC; 2 days before is 2027-03-13 10:00 EST = 15:00 UTC.
    const { touches } = plan('2027-03-15T14:00:00.000Z', '2027-03-01T14:00:00.000Z');
    assert.equal(touches.find((t) => t.template === 'reminder_confirm')!.at, '2027-03-13T15:00:00.000Z');
  });

  it('skips touches whose moment passed at booking: booked 2 hours ahead gets no "in 2 days" reminder', () => {
    const { touches, skipped } = plan('2026-12-10T17:00:00.000Z', '2026-12-10T15:00:00.000Z');
    assert.deepEqual(touches.map((t) => t.kind), ['booking_confirmation', 'attendance_window']);
    assert.deepEqual(skipped.map((s) => s.template), ['reminder_confirm', 'reminder_final']);
  });

  it('plans the review request after a visit and the rebook message after a no-show, out of quiet hours', () => {
    const base = { timeZone: zone, policy: defaultPolicy(), appointment: appointment('2026-12-10T15:00:00.000Z'), revision: 1 };
    const review = planFollowUp({ ...base, outcome: 'completed', now: '2026-12-10T16:00:00.000Z' });
    assert.deepEqual(review.touches.map((t) => [t.kind, t.at]), [['review_request', '2026-12-10T18:00:00.000Z']]);
    // No-show reported at 20:30 local: +1h = 21:30, quiet → 08:00 next day (13:00 UTC).
    const rebook = planFollowUp({ ...base, outcome: 'no_show', now: '2026-12-11T01:30:00.000Z' });
    assert.deepEqual(rebook.touches.map((t) => [t.kind, t.at]), [['rebook', '2026-12-11T13:00:00.000Z']]);
  });
});
