// The API's Prometheus metrics: Node's process defaults plus what outside systems delivered to ARO.
import { HttpException, Injectable } from '@nestjs/common';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { isDatabaseUnavailable } from '../../db/prisma';
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

  /** Set by DeliveryAdmission; compare with ARO_WEBHOOK_MAX_IN_FLIGHT. */
  readonly webhooksInFlight = new Gauge({
    name: 'aro_webhook_deliveries_in_flight',
    help: 'Webhook deliveries being handled right now.',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** Handles one webhook delivery and counts its outcome: `outcomeOf` the answer, or the refusal's kind when `handle` throws. */
  async countDelivery<T>(source: WebhookSource, handle: () => Promise<T>, outcomeOf: (answer: T) => HandledOutcome = () => 'accepted'): Promise<T> {
    try {
      const answer = await handle();
      this.webhookDeliveries.inc({ source, outcome: outcomeOf(answer) });
      return answer;
    } catch (err) {
      this.webhookDeliveries.inc({ source, outcome: refusalOutcome(err) });
      throw err;
    }
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
