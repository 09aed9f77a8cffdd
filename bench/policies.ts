// The bench tenants' policies, as GraphQL's updatePolicy takes them: ARO's defaults without quiet hours
// (a run at night must not wait for the morning) and with a frequency cap no run reaches.
import type { PolicyInput } from './stack';

export const BENCH_POLICY: PolicyInput = {
  quietHours: null,
  frequencyCap: { perDay: 50, perWeek: 100 },
};

/** Reminder storm: one reminder an hour before the start, and nothing else to send. */
export const STORM_POLICY: PolicyInput = {
  ...BENCH_POLICY,
  bookingConfirmation: { enabled: false, channel: 'SMS' },
  reminders: [{ before: 'PT1H', channel: 'SMS', template: 'reminder_confirm', asksConfirmation: true }],
  confirmationDeadline: null,
};

/** How far ahead the typical lifecycle's appointment starts: its touches all fall within this. */
export const TYPICAL_LEAD_MS = 30_000;

/**
 * A typical lifecycle squeezed into seconds: booking confirmation at once, the confirm-request reminder
 * 10 s after booking, the final reminder 20 s after, the review request 1 s after the check-in.
 */
export const TYPICAL_POLICY: PolicyInput = {
  ...BENCH_POLICY,
  reminders: [
    { before: 'PT20S', channel: 'SMS', template: 'reminder_confirm', asksConfirmation: true },
    { before: 'PT10S', channel: 'SMS', template: 'reminder_final', onlyIf: ['SCHEDULED', 'AWAITING_CONFIRMATION', 'CONFIRMED'] },
  ],
  confirmationDeadline: null,
  reviewRequest: { after: 'PT1S', channel: 'SMS' },
};
