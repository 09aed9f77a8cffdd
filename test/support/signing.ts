// Signs booking webhooks as a tenant's booking system does (docs/contracts.md), written apart from the API's
// verification so the tests hold the API to the contract rather than to its own code.
import { createHmac } from 'node:crypto';

export function nowInUnixSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** The X-Aro-Signature header value for `rawBody`, signed at `timestamp` (unix seconds). */
export function bookingSignature(secret: string, rawBody: string, timestamp = nowInUnixSeconds()): string {
  const v1 = createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex');
  return `t=${timestamp},v1=${v1}`;
}
