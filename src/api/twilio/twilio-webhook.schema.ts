// The fields ARO reads from Twilio's webhooks, as Twilio documents them: message SIDs, E.164 (or
// whatsapp:) addresses, the known delivery statuses, numeric error codes. A request that is signed
// but does not look like Twilio's is refused (400) before anything is recorded.
import { z } from 'zod';
import { requiredObject, storable, text } from '../http/payload-fields';

/** Ten concatenated SMS segments: the most a carrier delivers as one message. */
const MAX_BODY_LENGTH = 1600;

const messageSid = z.string({ error: 'is required' }).regex(/^(SM|MM)[0-9a-fA-F]{32}$/, 'must be a Twilio message SID (SM or MM + 32 hex digits)');
const address = z
  .string({ error: 'is required' })
  .regex(/^(whatsapp:)?\+[1-9]\d{6,14}$/, 'must be E.164 (e.g. +14155550123), or whatsapp: and E.164');
const count = z.string().regex(/^\d{1,3}$/, 'must be a whole number').optional();

/** Twilio's message statuses (https://www.twilio.com/docs/messaging/api/message-resource#message-status-values). */
export const TWILIO_MESSAGE_STATUSES = [
  'queued',
  'sending',
  'sent',
  'failed',
  'delivered',
  'undelivered',
  'receiving',
  'received',
  'accepted',
  'scheduled',
  'read',
  'partially_delivered',
  'canceled',
] as const;

export const twilioInboundSchema = requiredObject({
  MessageSid: messageSid,
  From: address,
  To: address,
  // Twilio always sends Body; a picture with no caption has an empty one, still a reply the clinic should see.
  Body: z.string({ error: 'is required' }).max(MAX_BODY_LENGTH, `must be at most ${MAX_BODY_LENGTH} characters`).superRefine(storable),
  NumMedia: count,
  OptOutType: text(16).optional(),
});

export const twilioStatusSchema = requiredObject({
  MessageSid: messageSid,
  // Twilio sends them in lower case; compared the same way whatever the case.
  MessageStatus: z
    .string({ error: 'is required' })
    .refine((s) => (TWILIO_MESSAGE_STATUSES as readonly string[]).includes(s.toLowerCase()), `must be one of ${TWILIO_MESSAGE_STATUSES.join(', ')}`),
  ErrorCode: z.string().regex(/^\d{1,6}$/, 'must be a Twilio error code (digits)').optional(),
});
