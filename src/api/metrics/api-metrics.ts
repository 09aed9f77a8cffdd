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

  countWebhookDelivery(source: WebhookSource, outcome: WebhookOutcome): void {
    this.webhookDeliveries.inc({ source, outcome });
  }
}

/** What a refused delivery counts as, from the error that refused it. */
export function refusalOutcome(err: unknown): WebhookOutcome {
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
