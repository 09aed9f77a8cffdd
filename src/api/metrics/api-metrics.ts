// The API's Prometheus metrics: Node's process defaults plus what outside systems delivered to ARO.
import { Injectable } from '@nestjs/common';
import { Counter, Registry, collectDefaultMetrics } from 'prom-client';

export type WebhookSource = 'booking';

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
