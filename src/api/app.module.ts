// The API's Nest module, built around the settings, database and Temporal client it is handed, so
// the process entry point and the tests wire the same app to different servers.
import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { Client } from '@temporalio/client';
import type { AroConfig } from '../config';
import type { Db } from '../db/prisma';
import { AppointmentWorkflows } from './appointments/appointment-workflows.service';
import { HealthController } from './health/health.controller';
import { JsonErrorFilter } from './http/json-error.filter';
import { ApiMetrics } from './metrics/api-metrics';
import { MetricsController } from './metrics/metrics.controller';
import { DevInboundController } from './replies/dev-inbound.controller';
import { InboundReplies } from './replies/inbound-replies.service';
import { ARO_CONFIG, DB, TEMPORAL_CLIENT } from './tokens';
import { BookingWebhookController } from './webhooks/booking-webhook.controller';
import { BookingWebhooks } from './webhooks/booking-webhook.service';

export interface ApiDeps {
  config: AroConfig;
  db: Db;
  temporal: Client;
}

@Module({})
class AppModule {}

export function createAppModule({ config, db, temporal }: ApiDeps): DynamicModule {
  return {
    module: AppModule,
    controllers: [
      HealthController,
      MetricsController,
      BookingWebhookController,
      // Playing replies by hand is for a developer's machine, never a clinic's number.
      ...(config.ARO_DEV_MODE ? [DevInboundController] : []),
    ],
    providers: [
      { provide: ARO_CONFIG, useValue: config },
      { provide: DB, useValue: db },
      { provide: TEMPORAL_CLIENT, useValue: temporal },
      { provide: APP_FILTER, useClass: JsonErrorFilter },
      ApiMetrics,
      AppointmentWorkflows,
      BookingWebhooks,
      InboundReplies,
    ],
  };
}
