// How long a supervised worker waits before its next start after failing: exponential, capped, jittered.

export interface RestartBackoff {
  /** Wait before the first restart after a failure. */
  initialMs: number;
  /** The longest wait, however many failures in a row. */
  maxMs: number;
  /** A worker that ran this long before failing counts as healthy: its next failure starts the back-off afresh. */
  healthyAfterMs: number;
}

export const RESTART_BACKOFF: RestartBackoff = { initialMs: 1_000, maxMs: 60_000, healthyAfterMs: 60_000 };

/**
 * The wait before restart number `attempt` (1 for the first after a failure): doubling from
 * `initialMs` up to `maxMs`, then drawn from its upper half, so that many tenants' workers failing
 * together (a Temporal outage) do not all come back in the same instant, yet none retries at once.
 */
export function restartDelayMs(attempt: number, backoff: RestartBackoff, random: () => number = Math.random): number {
  const ceiling = Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.min(attempt - 1, 30));
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}
