// The API's Prometheus metrics: Node's process defaults plus what outside systems delivered to ARO.
import { HttpException, Injectable } from '@nestjs/common';
import { Counter, Registry, collectDefaultMetrics } from 'prom-client';
import { TemporalUnavailableError } from '../appointments/appointment-workflows.service';

export type WebhookSource = 'booking' | 'twilio_inbound' | 'twilio_status';

export type WebhookOutcome =
  | 'accepted'
  | 'duplicate'
  | 'unknown_tenant'
  | 'bad_signature'
  | 'invalid_payload'
  | 'temporal_unavailable'
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

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /**
   * Handles one webhook delivery and counts its outcome: `accepted` (or `duplicate` when
   * `isDuplicate` says so) on success, the refusal's kind when `handle` throws.
   */
  async countDelivery<T>(source: WebhookSource, handle: () => Promise<T>, isDuplicate: (answer: T) => boolean = () => false): Promise<T> {
    try {
      const answer = await handle();
      this.webhookDeliveries.inc({ source, outcome: isDuplicate(answer) ? 'duplicate' : 'accepted' });
      return answer;
    } catch (err) {
      this.webhookDeliveries.inc({ source, outcome: refusalOutcome(err) });
      throw err;
    }
  }
}

/** What a refused delivery counts as, from the error that refused it. */
function refusalOutcome(err: unknown): WebhookOutcome {
  if (err instanceof TemporalUnavailableError) return 'temporal_unavailable';
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
