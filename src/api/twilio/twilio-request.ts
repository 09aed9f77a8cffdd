// A Twilio webhook request as the controllers hand it on: the parsed form, the signature header and
// the URL Twilio signed (ARO_PUBLIC_URL when ARO sits behind a proxy, else the Host it was sent to).
import type { IncomingMessage } from 'node:http';

export const TWILIO_SIGNATURE_HEADER = 'x-twilio-signature';

export interface TwilioRequest {
  tenantId: string;
  signature: string | undefined;
  /** The URL exactly as Twilio called it, query string included: the signature covers it. */
  url: string;
  /** The form fields, as strings (a repeated field: its values in order). */
  params: Record<string, string | string[]>;
}

/** What Express leaves on the request: the form parsed by the urlencoded body parser, and the path as received. */
type ParsedRequest = IncomingMessage & { body?: unknown; originalUrl?: string };

export function twilioRequest(tenantId: string, req: ParsedRequest, publicUrl: string | undefined): TwilioRequest {
  const path = req.originalUrl ?? req.url ?? '';
  const base = publicUrl ? publicUrl.replace(/\/+$/, '') : `http://${req.headers.host ?? 'localhost'}`;
  const body = req.body && typeof req.body === 'object' ? (req.body as Record<string, string | string[]>) : {};
  const signature = req.headers[TWILIO_SIGNATURE_HEADER];
  return { tenantId, signature: Array.isArray(signature) ? signature[0] : signature, url: `${base}${path}`, params: body };
}
