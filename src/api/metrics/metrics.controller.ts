// GET /metrics: the Prometheus scrape endpoint.
import { Controller, Get, Res } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { ApiMetrics } from './api-metrics';

@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: ApiMetrics) {}

  @Get()
  async scrape(@Res({ passthrough: true }) res: ServerResponse): Promise<string> {
    res.setHeader('Content-Type', this.metrics.registry.contentType);
    return this.metrics.registry.metrics();
  }
}
