// The admission limit on webhook deliveries in flight in this API process: past it a delivery is
// answered 503 with Retry-After at once, before it touches the database or Temporal, so a burst
// queues at the sender instead of inside ARO, where it would end in timeouts and 500s.
import { Inject, Injectable } from '@nestjs/common';
import type { AroConfig } from '../../config';
import { OverloadedError } from '../http/retry-later';
import { ApiMetrics } from '../metrics/api-metrics';
import { ARO_CONFIG } from '../tokens';

@Injectable()
export class DeliveryAdmission {
  private inFlight = 0;

  constructor(
    @Inject(ARO_CONFIG) private readonly config: AroConfig,
    private readonly metrics: ApiMetrics,
  ) {}

  async admit<T>(handle: () => Promise<T>): Promise<T> {
    if (this.inFlight >= this.config.ARO_WEBHOOK_MAX_IN_FLIGHT) throw new OverloadedError();
    this.metrics.webhooksInFlight.set(++this.inFlight);
    try {
      return await handle();
    } finally {
      this.metrics.webhooksInFlight.set(--this.inFlight);
    }
  }
}
