// A clinic's send rate (messages a second), which becomes its task queue's activity rate limit.
// Twilio's fastest sender, a short code, takes 100 messages a second (long codes 1, toll-free 3 by
// default); a higher figure would only queue at Twilio, and 1e308 would disable the limit altogether.
export const MAX_MESSAGES_PER_SECOND = 100;

/** Why `rate` cannot be a send rate, or undefined when it can. */
export function sendRateProblem(rate: number): string | undefined {
  if (!Number.isFinite(rate) || rate <= 0) return 'must be a positive number';
  if (rate > MAX_MESSAGES_PER_SECOND) return `must be at most ${MAX_MESSAGES_PER_SECOND} (Twilio's fastest sender, a short code)`;
  return undefined;
}
