// The clinic's GraphQL API at POST /graphql, assembled: schema options, resolvers and the services
// behind them, per-request caller, query limits and error shape.
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import type { Provider } from '@nestjs/common';
import type { BuildSchemaOptions } from '@nestjs/graphql';
import type { AroConfig } from '../../config';
import type { Db } from '../../db/prisma';
import { ClinicActivityFeed } from '../activity/clinic-activity-feed';
import { AppointmentReads } from '../appointments/appointment-reads.service';
import { StaffActions } from '../appointments/staff-actions.service';
import { Contacts } from '../contacts/contacts.service';
import { DevPhones } from '../dev/dev-phones.service';
import { ClinicStats } from '../stats/clinic-stats.service';
import { Templates } from '../templates/templates.service';
import { ApiKeys } from '../tenants/api-keys.service';
import { TenantSettings } from '../tenants/tenant-settings.service';
import { ApiCallers } from './auth/api-callers';
import { clinicContext } from './auth/clinic-context';
import { KeyRateLimiter } from './auth/key-rate-limiter';
import { formatClinicError } from './clinic-errors';
import { ClinicStream } from './clinic-stream';
import { DateTimeScalar } from './date-time.scalar';
import { CLINIC_QUERY_LIMITS, queryLimitsPlugin } from './query-limits.plugin';
import { ApiKeyResolver } from './resolvers/api-key.resolver';
import { AppointmentResolver } from './resolvers/appointment.resolver';
import { ClinicActivityResolver } from './resolvers/clinic-activity.resolver';
import { ContactResolver } from './resolvers/contact.resolver';
import { DevPhoneResolver } from './resolvers/dev-phone.resolver';
import { PatientResolver } from './resolvers/patient.resolver';
import { StatsResolver } from './resolvers/stats.resolver';
import { TemplateResolver } from './resolvers/template.resolver';
import { TenantResolver } from './resolvers/tenant.resolver';

export const GRAPHQL_PATH = '/graphql';

/**
 * The clinic UI's largest query is a few hundred tokens, graphql's introspection query about 170.
 * The parser recurses once per nesting level and overflows the stack somewhere past 2,000 levels:
 * 2,000 tokens can nest at most 1,000.
 */
export const MAX_QUERY_TOKENS = 2000;

/** Who calls, checked once per request: POST /graphql and the SSE stream share one (and one rate limit per key). */
export type ClinicContextFactory = ReturnType<typeof clinicContext>;

export function clinicContextFactory({ config, db }: { config: AroConfig; db: Db }): ClinicContextFactory {
  return clinicContext(new ApiCallers(db, config.ARO_OPERATOR_KEY), new KeyRateLimiter(config.ARO_GRAPHQL_RATE_LIMIT));
}

export const CLINIC_RESOLVERS = [
  TenantResolver,
  ApiKeyResolver,
  AppointmentResolver,
  PatientResolver,
  ContactResolver,
  TemplateResolver,
  StatsResolver,
  DevPhoneResolver,
  ClinicActivityResolver,
];

/** Resolvers and the services they call; the app module provides them beside its own. */
export const CLINIC_GRAPHQL_PROVIDERS: Provider[] = [
  ...CLINIC_RESOLVERS,
  AppointmentReads,
  StaffActions,
  TenantSettings,
  ApiKeys,
  Templates,
  Contacts,
  ClinicStats,
  DevPhones,
  ClinicActivityFeed,
  ClinicStream,
];

/** Shared by the running API and the committed schema file, so both print the same schema. */
export const CLINIC_SCHEMA_OPTIONS: BuildSchemaOptions = { scalarsMap: [{ type: Date, scalar: DateTimeScalar }] };

export function clinicGraphqlOptions(context: ClinicContextFactory): ApolloDriverConfig {
  return {
    driver: ApolloDriver,
    path: GRAPHQL_PATH,
    autoSchemaFile: true,
    sortSchema: true,
    buildSchemaOptions: CLINIC_SCHEMA_OPTIONS,
    context,
    plugins: [queryLimitsPlugin(CLINIC_QUERY_LIMITS)],
    // Refused as QUERY_TOO_COMPLEX before the parser can nest deep enough to overflow (see clinic-errors.ts).
    parseOptions: { maxTokens: MAX_QUERY_TOKENS },
    playground: false,
    // The schema is public (it is in the repository); introspection still needs a key, like every request.
    introspection: true,
    includeStacktraceInErrorResponses: false,
    formatError: formatClinicError,
  };
}
