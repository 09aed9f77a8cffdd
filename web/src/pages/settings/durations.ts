// ISO-8601 durations (what the policy stores, e.g. PT24H) in words beside the field ("1 day").
import { Duration } from 'luxon';

export function durationWords(iso: string): string | undefined {
  const duration = Duration.fromISO(iso.trim());
  if (!duration.isValid || duration.as('milliseconds') <= 0) return undefined;
  return duration.rescale().toHuman({ listStyle: 'long' });
}

/** The description under a duration field: the format, and what the current text means. */
export function durationHint(iso: string, example: string): string {
  const words = durationWords(iso);
  return words ? `${words} (ISO-8601, e.g. ${example})` : `ISO-8601 duration, e.g. ${example}`;
}
