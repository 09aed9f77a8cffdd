// A tenant's Twilio setup: the sealed credentials' shape and the non-secret sender settings kept in
// Tenant.channels. Errors name the field so an operator knows what to fix.
import { z } from 'zod';
import { PermanentDeliveryError } from '../activities/providers/messaging-provider';

const E164 = /^\+[1-9]\d{6,14}$/;

export const twilioCredentialsSchema = z.object({
  accountSid: z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'must be a Twilio Account SID (AC + 32 hex digits)'),
  authToken: z.string().min(16, 'must be a Twilio auth token'),
});
export type TwilioCredentials = z.infer<typeof twilioCredentialsSchema>;

export const twilioSenderSchema = z
  .object({
    /** Preferred for SMS: Twilio picks the number from the service's pool (and handles opt-outs). */
    messagingServiceSid: z.string().regex(/^MG[0-9a-fA-F]{32}$/, 'must be a Messaging Service SID (MG + 32 hex digits)').optional(),
    /** The clinic's SMS number, when it sends without a Messaging Service. */
    from: z.string().regex(E164, 'must be E.164, e.g. +14155550100').optional(),
    /** The clinic's WhatsApp sender; without it, WhatsApp goes through the Messaging Service. */
    whatsappFrom: z.string().regex(E164, 'must be E.164, e.g. +14155550100').optional(),
  })
  .refine((s) => s.messagingServiceSid || s.from, { message: 'needs messagingServiceSid or from' });
export type TwilioSender = z.infer<typeof twilioSenderSchema>;

const channelsSchema = z.object({ twilio: twilioSenderSchema });

function parsed<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `${[what, ...i.path].join('.')}: ${i.message}`).join('; ');
  throw new TwilioSetupError(problems);
}

/** The tenant's Twilio setup is missing or wrong: no retry helps until an operator fixes it. */
export class TwilioSetupError extends PermanentDeliveryError {
  constructor(message: string) {
    super(message, 'setup');
    this.name = 'TwilioSetupError';
  }
}

export function twilioSender(channels: unknown): TwilioSender {
  return parsed(channelsSchema, channels, 'channels').twilio;
}

export function twilioCredentials(opened: unknown, tenantId: string): TwilioCredentials {
  if (opened === null) throw new TwilioSetupError(`tenant ${tenantId} has no Twilio credentials (aro tenant twilio --id ${tenantId} ...)`);
  return parsed(twilioCredentialsSchema, opened, 'credentials');
}

export type TwilioWebhook = 'inbound' | 'status';

export const TWILIO_WEBHOOK_PATH = 'webhooks/twilio';

/** The URL Twilio calls (and signs) for a tenant's webhook, under ARO's public URL. */
export function twilioWebhookUrl(publicUrl: string, tenantId: string, webhook: TwilioWebhook): string {
  return `${publicUrl.replace(/\/+$/, '')}/${TWILIO_WEBHOOK_PATH}/${encodeURIComponent(tenantId)}/${webhook}`;
}
