// The per-patient cap on routine messages (reminders, follow-ups): at most N a day and M a week.
// Cancellation and time-change notices are transactional and never counted or held.
import { DateTime } from 'luxon';

export interface FrequencyCap {
  perDay: number;
  perWeek: number;
}

/**
 * Given the instants of the routine messages already sent to a patient, returns null when one
 * more may go out at `at`, else the earliest instant at which it may.
 */
export function nextAllowedByCap(previous: Date[], at: DateTime, cap: FrequencyCap): DateTime | null {
  const sorted = previous.map((d) => DateTime.fromJSDate(d, { zone: 'utc' })).sort((a, b) => a.toMillis() - b.toMillis());
  let earliest: DateTime | null = null;
  for (const [limit, window] of [
    [cap.perDay, { days: 1 }],
    [cap.perWeek, { days: 7 }],
  ] as const) {
    const inWindow = sorted.filter((d) => d > at.minus(window) && d <= at);
    if (inWindow.length < limit) continue;
    // The window frees a place when its (count - limit + 1)-th oldest message leaves it.
    const frees = limit === 0 ? null : inWindow[inWindow.length - limit].plus(window);
    if (!frees) return at.plus({ years: 100 });
    if (!earliest || frees > earliest) earliest = frees;
  }
  return earliest;
}
