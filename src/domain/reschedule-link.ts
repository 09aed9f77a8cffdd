// Signed, expiring links to the booking system's reschedule page. The booking system (or ARO,
// later) verifies the signature with the tenant's webhook secret.
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface RescheduleLinkInput {
  baseUrl: string;
  tenantId: string;
  externalId: string;
  /** Unix seconds after which the link is refused. */
  expires: number;
  secret: string;
  /** The day or time the patient proposed: a hint for the booking page, outside the signature (it grants nothing). */
  proposed?: string;
}

function signature(input: Omit<RescheduleLinkInput, 'baseUrl' | 'proposed'>): string {
  return createHmac('sha256', input.secret)
    .update(`${input.tenantId}.${input.externalId}.${input.expires}`)
    .digest('hex');
}

export function signRescheduleLink(input: RescheduleLinkInput): string {
  const url = new URL(input.baseUrl);
  url.searchParams.set('appointment', input.externalId);
  url.searchParams.set('expires', String(input.expires));
  url.searchParams.set('sig', signature(input));
  if (input.proposed) url.searchParams.set('proposed', input.proposed);
  return url.toString();
}

/** Checks a link's signature and expiry against `nowSeconds`. */
export function verifyRescheduleLink(link: string, tenantId: string, secret: string, nowSeconds: number): boolean {
  const url = new URL(link);
  const externalId = url.searchParams.get('appointment');
  const expires = Number(url.searchParams.get('expires'));
  const sig = url.searchParams.get('sig') ?? '';
  if (!externalId || !Number.isFinite(expires) || expires < nowSeconds) return false;
  const expected = Buffer.from(signature({ tenantId, externalId, expires, secret }), 'hex');
  const given = Buffer.from(sig, 'hex');
  return expected.length === given.length && timingSafeEqual(expected, given);
}
