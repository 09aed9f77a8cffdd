// The per-request GraphQL context: the caller, identified and charged against its rate limit once
// per HTTP request, before the query is even parsed.
import type { IncomingMessage } from 'node:http';
import { rateLimited } from '../clinic-errors';
import type { ApiCallers, Caller } from './api-callers';
import type { KeyRateLimiter } from './key-rate-limiter';

export interface ClinicContext {
  caller: Caller;
}

export function clinicContext(callers: ApiCallers, limiter: KeyRateLimiter) {
  return async ({ req }: { req: IncomingMessage }): Promise<ClinicContext> => {
    const caller = await callers.identify(req.headers.authorization);
    const retryAfter = limiter.take(caller.kind === 'tenant' ? caller.keyId : 'operator');
    if (retryAfter > 0) throw rateLimited(retryAfter);
    return { caller };
  };
}
