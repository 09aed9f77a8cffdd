// The errors the clinic's GraphQL API answers with: one stable `extensions.code` each, so a UI can
// branch on the code and show the message; input errors also list each bad field by its path.
import { HeaderMap } from '@apollo/server';
import { ApolloServerErrorCode, unwrapResolverError } from '@apollo/server/errors';
import { Logger } from '@nestjs/common';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { TemporalUnavailableError } from '../appointments/appointment-workflows.service';
import type { z } from 'zod';
import type { FieldError } from '../http/invalid-payload';

export const ClinicErrorCode = {
  Unauthenticated: 'UNAUTHENTICATED',
  Forbidden: 'FORBIDDEN',
  RateLimited: 'RATE_LIMITED',
  BadUserInput: 'BAD_USER_INPUT',
  NotFound: 'NOT_FOUND',
  AlreadyExists: 'ALREADY_EXISTS',
  /** Someone else changed the same thing first; read it again and retry. */
  Conflict: 'CONFLICT',
  /** A staff action the appointment's state does not allow (the workflow's validator said no). */
  InvalidTransition: 'INVALID_TRANSITION',
  /** A message to a patient who has opted out of messages (STOP): nothing was sent. */
  PatientOptedOut: 'PATIENT_OPTED_OUT',
  /** A message during the clinic's quiet hours: nothing was sent; `extensions.until` says when they end. */
  QuietHours: 'QUIET_HOURS',
  /** The provider refused the message or could not take it: it is in the thread as failed. */
  MessageNotSent: 'MESSAGE_NOT_SENT',
  QueryTooDeep: 'QUERY_TOO_DEEP',
  QueryTooComplex: 'QUERY_TOO_COMPLEX',
  TemporalUnavailable: 'TEMPORAL_UNAVAILABLE',
  Internal: 'INTERNAL_SERVER_ERROR',
} as const;
export type ClinicErrorCode = (typeof ClinicErrorCode)[keyof typeof ClinicErrorCode];

export class ClinicError extends GraphQLError {
  constructor(code: ClinicErrorCode, message: string, extensions: Record<string, unknown> = {}) {
    super(message, { extensions: { code, ...extensions } });
    this.name = 'ClinicError';
  }
}

export function unauthenticated(): ClinicError {
  // Apollo turns extensions.http into the response's status and headers and leaves it out of the body.
  return new ClinicError(ClinicErrorCode.Unauthenticated, 'send a valid API key as "Authorization: Bearer <key>"', {
    http: { status: 401, headers: new HeaderMap([['www-authenticate', 'Bearer']]) },
  });
}

export function rateLimited(retryAfterSeconds: number): ClinicError {
  return new ClinicError(ClinicErrorCode.RateLimited, `too many requests with this key; retry in ${retryAfterSeconds}s`, {
    retryAfterSeconds,
    http: { status: 429, headers: new HeaderMap([['retry-after', String(retryAfterSeconds)]]) },
  });
}

export function forbidden(message: string): ClinicError {
  return new ClinicError(ClinicErrorCode.Forbidden, message);
}

export function notFound(message: string): ClinicError {
  return new ClinicError(ClinicErrorCode.NotFound, message);
}

/** One error naming every bad field, e.g. `input.patient.phone: must be E.164, e.g. +14155550123`. */
export function invalidInput(fields: FieldError[], extensions: Record<string, unknown> = {}): ClinicError {
  const summary = fields.map((f) => `${f.field}: ${f.message}`).join('; ');
  return new ClinicError(ClinicErrorCode.BadUserInput, summary, { fields, ...extensions });
}

/** A zod schema's issues as fields under `prefix` (the argument's name, e.g. `input`; none for a schema over the arguments). */
export function fieldsFromZod(issues: z.ZodError['issues'], prefix?: string): FieldError[] {
  return issues.map((issue) => ({ field: [...(prefix ? [prefix] : []), ...issue.path.map(String)].join('.'), message: issue.message }));
}

const logger = new Logger('graphql');

/** graphql's message when a document has more tokens than the parser was allowed to read ("more that" in graphql 16). */
const TOKEN_LIMIT = /Document contains more tha[nt] \d+ tokens/;

/**
 * Apollo's formatError: ClinicErrors and GraphQL's own errors go out as they are; Temporal being
 * away gets its code; anything else is logged and answered without internals.
 */
export function formatClinicError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  // The parser's token limit (parseOptions.maxTokens) is the first guard against an oversized query.
  if (formatted.extensions?.code === ApolloServerErrorCode.GRAPHQL_PARSE_FAILED && TOKEN_LIMIT.test(formatted.message)) {
    return { ...formatted, extensions: { ...formatted.extensions, code: ClinicErrorCode.QueryTooComplex } };
  }
  if (original instanceof GraphQLError) return formatted;
  if (original instanceof TemporalUnavailableError) {
    logger.warn(original.message);
    return { ...formatted, message: 'Temporal cannot be reached; try again later', extensions: { code: ClinicErrorCode.TemporalUnavailable } };
  }
  logger.error(original instanceof Error ? (original.stack ?? original.message) : String(original));
  return { message: 'internal error', locations: formatted.locations, path: formatted.path, extensions: { code: ClinicErrorCode.Internal } };
}
