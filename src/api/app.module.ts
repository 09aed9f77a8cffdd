// The API's Nest module, built around the settings, database and Temporal client it is handed, so
// the process entry point and the tests wire the same app to different servers.
import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import type { ApolloDriverConfig } from '@nestjs/apollo';
import { GraphQLModule } from '@nestjs/graphql';
import type { Client } from '@temporalio/client';
import type { AroConfig } from '../config';
import type { Db } from '../db/prisma';
import { AppointmentWorkflows } from './appointments/appointment-workflows.service';
import { CodecModule } from './codec/codec.module';
import { CLINIC_GRAPHQL_PROVIDERS, clinicContextFactory, clinicGraphqlOptions } from './graphql/clinic-graphql';
import { HealthController } from './health/health.controller';
import { WORKER_STATUSES } from './health/worker-statuses.token';
import { JsonErrorFilter } from './http/json-error.filter';
import { ApiMetrics } from './metrics/api-metrics';
import { ClinicGauges } from './metrics/clinic-gauges';
import { MetricsController } from './metrics/metrics.controller';
import { TEMPORAL_SDK_METRICS } from './metrics/temporal-sdk-metrics.token';
import { WorkerQueueMetrics } from './metrics/worker-queue-metrics';
import { TenantIdPipe } from './tenants/tenant-id.pipe';
import { DevInboundController } from './replies/dev-inbound.controller';
import { InboundReplies } from './replies/inbound-replies.service';
import { credentialCipher } from '../secrets/credential-cipher';
import type { TemporalSdkMetrics } from '../telemetry/temporal-runtime';
import type { WorkerStatuses } from '../worker/supervised-worker';
import { ARO_CONFIG, CLINIC_CONTEXT, CREDENTIAL_CIPHER, DB, TEMPORAL_CLIENT } from './tokens';
import { TwilioInbound } from './twilio/twilio-inbound.service';
import { TwilioSignatures } from './twilio/twilio-signature.service';
import { TwilioStatuses } from './twilio/twilio-status.service';
import { TwilioWebhookController } from './twilio/twilio-webhook.controller';
import { BookingWebhookController } from './webhooks/booking-webhook.controller';
import { BookingWebhooks } from './webhooks/booking-webhook.service';
import { DeliveryAdmission } from './webhooks/delivery-admission';
import { DeliveryLedger } from './webhooks/delivery-ledger';
import { CachedTenants } from './tenants/cached-tenants';

export interface ApiDeps {
  config: AroConfig;
  db: Db;
  temporal: Client;
  /** Workers running in this same process (`npm run dev`): /readyz and /metrics then cover them. */
  workers?: WorkerStatuses;
  /** The Temporal SDK's metrics of those workers: /metrics shows them after ARO's. */
  sdkMetrics?: TemporalSdkMetrics;
}

@Module({})
class AppModule {}

export function createAppModule({ config, db, temporal, workers, sdkMetrics }: ApiDeps): DynamicModule {
  const clinicContext = clinicContextFactory({ config, db });
  return {
    module: AppModule,
    imports: [GraphQLModule.forRoot<ApolloDriverConfig>(clinicGraphqlOptions(clinicContext)), CodecModule.forRoot(config)],
    controllers: [
      HealthController,
      MetricsController,
      BookingWebhookController,
      TwilioWebhookController,
      // Playing replies by hand is for a developer's machine, never a clinic's number.
      ...(config.ARO_DEV_MODE ? [DevInboundController] : []),
    ],
    providers: [
      { provide: ARO_CONFIG, useValue: config },
      { provide: DB, useValue: db },
      { provide: TEMPORAL_CLIENT, useValue: temporal },
      { provide: CLINIC_CONTEXT, useValue: clinicContext },
      { provide: CREDENTIAL_CIPHER, useValue: credentialCipher(config) },
      { provide: APP_FILTER, useClass: JsonErrorFilter },
      { provide: APP_PIPE, useClass: TenantIdPipe },
      ApiMetrics,
      ...(workers ? [{ provide: WORKER_STATUSES, useValue: workers }] : []),
      WorkerQueueMetrics,
      ...(sdkMetrics ? [{ provide: TEMPORAL_SDK_METRICS, useValue: sdkMetrics }] : []),
      ClinicGauges,
      AppointmentWorkflows,
      BookingWebhooks,
      CachedTenants,
      DeliveryAdmission,
      DeliveryLedger,
      InboundReplies,
      TwilioSignatures,
      TwilioStatuses,
      TwilioInbound,
      ...CLINIC_GRAPHQL_PROVIDERS,
    ],
  };
}
