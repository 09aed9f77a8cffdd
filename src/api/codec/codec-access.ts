// Who may use the codec: the operator, by `Authorization: Bearer <ARO_OPERATOR_KEY>` (the CLI's
// --codec-auth) or by the session cookie of the sign-in page (the Web UI in a browser). A cookie is
// taken only from a page of a listed origin, or with no Origin at all: another site's page, even on the
// same host, cannot have the operator's browser decode for it.
import type { IncomingMessage } from 'node:http';
import type { AroConfig } from '../../config';
import { isOperatorKey } from '../../tenants/operator-key';
import { SESSION_COOKIE, cookieValue, isValidSession } from './codec-session';

export type CodecSettings = Pick<AroConfig, 'ARO_OPERATOR_KEY' | 'ARO_CODEC_CORS_ORIGINS' | 'ARO_PAYLOAD_KEYS' | 'TEMPORAL_NAMESPACE'>;

export function isListedOrigin(origin: string | undefined, settings: CodecSettings): origin is string {
  return origin !== undefined && settings.ARO_CODEC_CORS_ORIGINS.includes(origin);
}

export function isOperatorRequest(req: IncomingMessage, settings: CodecSettings, nowMs: number): boolean {
  const authorization = req.headers.authorization;
  if (authorization !== undefined) {
    const [scheme, key] = authorization.split(' ');
    return scheme.toLowerCase() === 'bearer' && key !== undefined && isOperatorKey(key, settings.ARO_OPERATOR_KEY);
  }
  const origin = req.headers.origin;
  if (origin !== undefined && !isListedOrigin(origin, settings)) return false;
  const session = cookieValue(req.headers.cookie, SESSION_COOKIE);
  return session !== undefined && isValidSession(session, settings.ARO_OPERATOR_KEY, nowMs);
}
