// GET /metrics: the Prometheus scrape endpoint — ARO's metrics, then (under `npm run dev`, where the
// workers run in this process) the Temporal SDK's.
import { Controller, Get, Inject, Optional, Res } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import type { TemporalSdkMetrics } from '../../telemetry/temporal-runtime';
import { ApiMetrics } from './api-metrics';
import { TEMPORAL_SDK_METRICS } from './temporal-sdk-metrics.token';

@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: ApiMetrics,
    @Optional() @Inject(TEMPORAL_SDK_METRICS) private readonly sdkMetrics?: TemporalSdkMetrics,
  ) {}

  @Get()
  async scrape(@Res({ passthrough: true }) res: ServerResponse): Promise<string> {
    res.setHeader('Content-Type', this.metrics.registry.contentType);
    const [aro, sdk] = await Promise.all([this.metrics.registry.metrics(), this.sdkMetrics?.scrape() ?? '']);
    return sdk ? `${aro}\n${sdk}` : aro;
  }
}
