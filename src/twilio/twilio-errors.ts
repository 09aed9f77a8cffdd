// Turns whatever the twilio client threw into ARO's two kinds of delivery failure, keeping Twilio's
// error code and message but nothing else: an HTTP library's error carries the request, and with it
// the Authorization header, which must never reach a log or a workflow history.
import twilio from 'twilio';
import { PermanentDeliveryError, TransientDeliveryError } from '../activities/providers/messaging-provider';

/**
 * What the permanent codes ARO expects mean, added to the failure the clinic sees. Any 4xx is
 * permanent, named here or not; 429 and 5xx are transient.
 */
export const PERMANENT_TWILIO_ERRORS: Record<number, string> = {
  20003: 'authentication failed (check the tenant\'s Account SID and auth token)',
  21211: 'invalid To number',
  21212: 'invalid From number',
  21408: 'sending to this region is not enabled',
  21606: 'the From number is not a valid, SMS-capable number of this account',
  21608: 'unverified number (trial account)',
  21610: 'the recipient has opted out (replied STOP)',
  21612: 'Twilio cannot route to this number',
  21614: 'To is not a mobile number',
  21660: 'the From number does not belong to this account',
  63007: 'no WhatsApp sender found for the From address',
  63016: 'WhatsApp needs an approved template outside the 24-hour session window',
};

/** Network failures that may pass: the request did not get an answer. */
const TRANSIENT_NETWORK_CODES = new Set(['ECONNABORTED', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EAI_AGAIN', 'EPIPE', 'ERR_NETWORK']);

export function deliveryError(err: unknown): PermanentDeliveryError | TransientDeliveryError {
  if (err instanceof twilio.RestException) {
    const code = err.code !== undefined ? String(err.code) : String(err.status);
    const meaning = err.code !== undefined ? PERMANENT_TWILIO_ERRORS[err.code] : undefined;
    const message = `Twilio ${code}${meaning ? ` (${meaning})` : ''}: ${err.message}`;
    if (err.status === 429 || err.status >= 500) return new TransientDeliveryError(message, code);
    return new PermanentDeliveryError(message, code);
  }
  const networkCode = (err as { code?: unknown } | null)?.code;
  if (typeof networkCode === 'string' && TRANSIENT_NETWORK_CODES.has(networkCode)) {
    return new TransientDeliveryError(`Twilio unreachable: ${networkCode}`, networkCode);
  }
  // Unknown: retry with backoff rather than drop a message; the activity's deadline bounds it.
  return new TransientDeliveryError(`Twilio request failed: ${err instanceof Error ? err.name : 'unknown error'}`);
}

/** Whether a failure says the patient opted out at the carrier (the consent ledger should know). */
export function isRecipientOptedOut(err: PermanentDeliveryError | TransientDeliveryError): boolean {
  return err instanceof PermanentDeliveryError && err.code === '21610';
}
