// Makes every failure a JSON answer `{ error: <snake_case code>, ... }` — ARO's own, Nest's (unknown
// route) and the body parser's (too large, malformed) alike — and keeps internals out of 500s.
import { Catch, HttpException, HttpStatus, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { STATUS_CODES, type ServerResponse } from 'node:http';
import { isDatabaseUnavailable } from '../../db/prisma';
import { DatabaseUnavailableError, RetryLaterError } from './retry-later';

interface Answer {
  status: number;
  body: { error: string } & Record<string, unknown>;
  retryAfterSeconds?: number;
}

@Catch()
export class JsonErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    // GraphQL answers its errors in the response body its own way (see graphql/clinic-errors.ts).
    if (host.getType() !== 'http') throw exception;
    const { status, body, retryAfterSeconds } = this.answer(exception);
    const response = host.switchToHttp().getResponse<ServerResponse>();
    if (retryAfterSeconds !== undefined) response.setHeader('Retry-After', String(retryAfterSeconds));
    this.adapterHost.httpAdapter.reply(response, body, status);
  }

  private answer(exception: unknown): Answer {
    const retryLater = isDatabaseUnavailable(exception) ? new DatabaseUnavailableError(exception) : exception;
    if (retryLater instanceof RetryLaterError) {
      if (!retryLater.routine) this.logger.warn(retryLater.message);
      // 429 or 503 asks the caller (a booking system, a provider) to deliver again later; nothing was taken on.
      return {
        status: retryLater.httpStatus,
        body: { error: retryLater.code, message: retryLater.advice },
        retryAfterSeconds: retryLater.retryAfterSeconds,
      };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse();
      if (isAroAnswer(response)) return { status, body: response };
      return { status, body: { error: errorCode(status), message: exception.message } };
    }
    if (isClientError(exception)) {
      return { status: exception.status, body: { error: errorCode(exception.status), message: exception.message } };
    }
    this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    return { status: HttpStatus.INTERNAL_SERVER_ERROR, body: { error: 'internal_error' } };
  }
}

/** ARO's own exceptions carry a body with an error code already; Nest's built-in ones add statusCode. */
function isAroAnswer(response: unknown): response is Answer['body'] {
  return (
    typeof response === 'object' &&
    response !== null &&
    typeof (response as { error?: unknown }).error === 'string' &&
    !('statusCode' in response)
  );
}

/** The body parser's errors (http-errors) mark 4xx failures whose message is safe to show as `expose`. */
function isClientError(exception: unknown): exception is { status: number; message: string } {
  const e = exception as { expose?: unknown; status?: unknown; message?: unknown } | null;
  return typeof e === 'object' && e !== null && e.expose === true && typeof e.status === 'number' && typeof e.message === 'string';
}

/** 413 → "payload_too_large". */
function errorCode(status: number): string {
  return (STATUS_CODES[status] ?? 'error').toLowerCase().replace(/[^a-z0-9]+/g, '_');
}
