// Checks the booking system's X-Aro-Signature header: an HMAC-SHA256 of "<t>.<raw body>" under the
// tenant's webhook secret, fresh within the tolerance, so a captured delivery cannot be replayed later.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const BOOKING_SIGNATURE_HEADER = 'x-aro-signature';

export type SignatureVerdict =
  | { valid: true }
  | { valid: false; reason: 'missing' | 'malformed' | 'stale' | 'mismatch' };

export interface SignedDelivery {
  /** The header value as received, e.g. "t=1741944600,v1=5f0c…". */
  header: string | undefined;
  /** The body exactly as it arrived: re-serialised JSON would not match the signature. */
  rawBody: Buffer;
  secret: string;
  toleranceSeconds: number;
  now: Date;
}

export function verifyBookingSignature(delivery: SignedDelivery): SignatureVerdict {
  if (!delivery.header) return { valid: false, reason: 'missing' };
  const parts = parseHeader(delivery.header);
  if (!parts) return { valid: false, reason: 'malformed' };

  // Both directions: a timestamp far in the future is as suspicious as an old one.
  const skew = Math.abs(delivery.now.getTime() / 1000 - parts.timestamp);
  if (skew > delivery.toleranceSeconds) return { valid: false, reason: 'stale' };

  const expected = createHmac('sha256', delivery.secret)
    .update(`${parts.timestamp}.`)
    .update(delivery.rawBody)
    .digest();
  // parseHeader admits exactly 64 hex digits, so both sides are 32 bytes as timingSafeEqual requires.
  const matches = timingSafeEqual(Buffer.from(parts.signature, 'hex'), expected);
  return matches ? { valid: true } : { valid: false, reason: 'mismatch' };
}

/** "t=<unix seconds>,v1=<hex>"; unknown keys are ignored so a future scheme can be sent alongside v1. */
function parseHeader(header: string): { timestamp: number; signature: string } | null {
  const values = new Map<string, string>();
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) values.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const t = values.get('t');
  const v1 = values.get('v1');
  if (!t || !/^\d{1,12}$/.test(t) || !v1 || !/^[0-9a-f]{64}$/i.test(v1)) return null;
  return { timestamp: Number(t), signature: v1 };
}
