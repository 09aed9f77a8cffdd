// The operator's codec session: a cookie the sign-in page sets, so that the Temporal Web UI's codec
// calls (which cannot carry the operator key) are authenticated. Stateless — an expiry and an HMAC
// under a key derived from ARO_OPERATOR_KEY — so every API process accepts it, and changing the
// operator key ends every session.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export const SESSION_COOKIE = 'aro_codec_session';
/** A working day: long enough for an investigation, short enough that a forgotten browser forgets. */
export const SESSION_SECONDS = 12 * 60 * 60;
const FORMAT = 'v1';

function sessionKey(operatorKey: string): Buffer {
  return createHash('sha256').update('aro-codec-session:').update(operatorKey).digest();
}

function signature(operatorKey: string, expiresAt: number): Buffer {
  return createHmac('sha256', sessionKey(operatorKey)).update(`${FORMAT}.${expiresAt}`).digest();
}

export function issueSession(operatorKey: string, nowMs: number): string {
  const expiresAt = Math.floor(nowMs / 1000) + SESSION_SECONDS;
  return `${FORMAT}.${expiresAt}.${signature(operatorKey, expiresAt).toString('base64url')}`;
}

export function isValidSession(token: string, operatorKey: string | undefined, nowMs: number): boolean {
  if (!operatorKey) return false;
  const [format, expires, mac] = token.split('.');
  const expiresAt = Number(expires);
  if (format !== FORMAT || !Number.isSafeInteger(expiresAt) || mac === undefined) return false;
  if (expiresAt * 1000 <= nowMs) return false;
  const presented = Buffer.from(mac, 'base64url');
  const expected = signature(operatorKey, expiresAt);
  return presented.length === expected.length && timingSafeEqual(presented, expected);
}

/** The value of one cookie in a Cookie header. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
