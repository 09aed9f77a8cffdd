// Quiet hours in the clinic's time zone: whether an instant falls inside them and where the
// window around it ends.
import { DateTime } from 'luxon';
import type { QuietHours } from '../workflows/contracts';

function minutesOf(clock: string): number {
  const [h, m] = clock.split(':').map(Number);
  return h * 60 + m;
}

/** True when `at` (UTC) falls inside the quiet window, which may wrap past midnight. */
export function isQuiet(at: DateTime, quiet: QuietHours | null, timeZone: string): boolean {
  if (!quiet) return false;
  const local = at.setZone(timeZone);
  const minute = local.hour * 60 + local.minute;
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  if (start === end) return false;
  return start < end ? minute >= start && minute < end : minute >= start || minute < end;
}

/** The instant the quiet window containing `at` ends (the next local `end` time after `at`). */
export function quietWindowEnd(at: DateTime, quiet: QuietHours, timeZone: string): DateTime {
  const local = at.setZone(timeZone);
  const [h, m] = quiet.end.split(':').map(Number);
  let end = local.set({ hour: h, minute: m, second: 0, millisecond: 0 });
  if (end <= local) end = end.plus({ days: 1 });
  return end.toUTC();
}

/** The instant the quiet window containing `at` began (the last local `start` time at or before `at`). */
export function quietWindowStart(at: DateTime, quiet: QuietHours, timeZone: string): DateTime {
  const local = at.setZone(timeZone);
  const [h, m] = quiet.start.split(':').map(Number);
  let start = local.set({ hour: h, minute: m, second: 0, millisecond: 0 });
  if (start > local) start = start.minus({ days: 1 });
  return start.toUTC();
}
