// Failures that say "not now" rather than "no": ARO took nothing on, and the caller (a booking
// system, Twilio) is asked to deliver again after Retry-After seconds — a 429 when it sends faster
// than this API takes deliveries, a 503 when something ARO needs is down; never a 500.
export type RetryLaterCode = 'overloaded' | 'delivery_in_progress' | 'temporal_unavailable' | 'database_unavailable';

export abstract class RetryLaterError extends Error {
  /** The `error` of the JSON answer. */
  abstract readonly code: RetryLaterCode;
  abstract readonly retryAfterSeconds: number;
  /** What the caller is told; the message, which may name internals, goes to the log only. */
  abstract readonly advice: string;
  /** Expected under load and counted in /metrics: not worth a log line each. */
  readonly routine: boolean = false;
  /** 503: ARO cannot take it now; 429: the caller sends faster than ARO takes deliveries. */
  readonly httpStatus: 429 | 503 = 503;
}

/** Too many deliveries in flight in this API process (ARO_WEBHOOK_MAX_IN_FLIGHT). */
export class OverloadedError extends RetryLaterError {
  readonly code = 'overloaded';
  readonly retryAfterSeconds = 1;
  readonly advice = 'too many deliveries in flight; try again shortly';
  override readonly routine = true;
  // Nothing is broken: the sender is asked to slow down, as the booking system's own rate limit would.
  override readonly httpStatus = 429;
  constructor() {
    super('webhook admission limit reached');
    this.name = 'OverloadedError';
  }
}

/** Another delivery of the same event is being applied right now; the retry will find it settled. */
export class DeliveryInProgressError extends RetryLaterError {
  readonly code = 'delivery_in_progress';
  readonly retryAfterSeconds = 1;
  readonly advice = 'another delivery of this event is being applied; try again shortly';
  override readonly routine = true;
  constructor(eventId: string) {
    super(`event ${eventId} is being applied by another delivery`);
    this.name = 'DeliveryInProgressError';
  }
}

/** PostgreSQL could not be reached, or gave no connection in time (see isDatabaseUnavailable). */
export class DatabaseUnavailableError extends RetryLaterError {
  readonly code = 'database_unavailable';
  readonly retryAfterSeconds = 5;
  readonly advice = 'the database cannot be reached; try again later';
  constructor(cause: unknown) {
    super(`database unavailable: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'DatabaseUnavailableError';
  }
}
