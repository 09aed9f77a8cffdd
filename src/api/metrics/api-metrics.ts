// The API's Prometheus metrics: Node's process defaults plus what outside systems delivered to ARO —
// webhook deliveries by outcome and how long they took, and the delivery receipts providers reported.
// Each delivery is also a span: the root of the trace that follows it into Temporal.
import { HttpException, Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { isDatabaseUnavailable } from '../../db/prisma';
import { SpanKind, inSpan } from '../../telemetry/tracing';
import { RetryLaterError, type RetryLaterCode } from '../http/retry-later';

export type WebhookSource = 'booking' | 'twilio_inbound' | 'twilio_status' | 'dev_inbound';

/** How a delivery that was handled ended: taken on now, seen before, or recorded without effect. */
export type HandledOutcome = 'accepted' | 'duplicate' | 'ignored';

export type WebhookOutcome =
  | HandledOutcome
  | 'unknown_tenant'
  | 'bad_signature'
  | 'invalid_payload'
  // Answered 503 with Retry-After.
  | RetryLaterCode
  | 'error';

@Injectable()
export class ApiMetrics {
  // Its own registry rather than prom-client's global one, so several API instances in one
  // process (the tests) do not collide registering the same metric names.
  readonly registry = new Registry();

  private readonly webhookDeliveries = new Counter({
    name: 'aro_webhook_deliveries_total',
    help: 'Webhook deliveries received, by source and outcome.',
    labelNames: ['source', 'outcome'] as const,
    registers: [this.registry],
  });

  private readonly webhookDurations = new Histogram({
    name: 'aro_webhook_delivery_duration_seconds',
    help: 'How long the API took to answer a webhook delivery, by source and outcome.',
    labelNames: ['source', 'outcome'] as const,
    // Most answers take a database write and one Temporal call; ARO_TEMPORAL_CALL_TIMEOUT_MS (5 s) bounds the slow ones.
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  private readonly receipts = new Counter({
    name: 'aro_message_receipts_total',
    help: "Providers' delivery receipts applied to a message, by channel and status (delivered, undelivered, failed, read...).",
    labelNames: ['channel', 'status'] as const,
    registers: [this.registry],
  });

  /** Set by DeliveryAdmission; compare with ARO_WEBHOOK_MAX_IN_FLIGHT. */
  readonly webhooksInFlight = new Gauge({
    name: 'aro_webhook_deliveries_in_flight',
    help: 'Webhook deliveries being handled right now.',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /**
   * Handles one webhook delivery in a span, then counts and times its outcome: `outcomeOf` the answer,
   * or the refusal's kind when `handle` throws.
   */
  countDelivery<T>(source: WebhookSource, handle: () => Promise<T>, outcomeOf: (answer: T) => HandledOutcome = () => 'accepted'): Promise<T> {
    const stopTimer = this.webhookDurations.startTimer({ source });
    return inSpan(
      `webhook ${source}`,
      { 'aro.webhook.source': source },
      async () => {
        try {
          const answer = await handle();
          const outcome = outcomeOf(answer);
          this.webhookDeliveries.inc({ source, outcome });
          stopTimer({ outcome });
          return answer;
        } catch (err) {
          const outcome = refusalOutcome(err);
          this.webhookDeliveries.inc({ source, outcome });
          stopTimer({ outcome });
          throw err;
        }
      },
      SpanKind.SERVER,
    );
  }

  /** A provider's receipt moved a message to `status`. */
  countReceipt(channel: string, status: string): void {
    this.receipts.inc({ channel, status });
  }
}

/** What a refused delivery counts as, from the error that refused it. */
function refusalOutcome(err: unknown): WebhookOutcome {
  if (err instanceof RetryLaterError) return err.code;
  if (isDatabaseUnavailable(err)) return 'database_unavailable';
  if (!(err instanceof HttpException)) return 'error';
  switch (err.getStatus()) {
    case 404:
      return 'unknown_tenant';
    case 401:
    case 403:
      return 'bad_signature';
    case 400:
      return 'invalid_payload';
    default:
      return 'error';
  }
}
