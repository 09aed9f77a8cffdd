// The `twilio` provider: SMS and WhatsApp through the tenant's own Twilio account, with the official
// client. Every message asks for delivery statuses at ARO's status webhook.
import type twilio from 'twilio';
import { SpanKind, inSpan } from '../../telemetry/tracing';
import { twilioClient, twilioHttpClient, type TwilioClientOptions } from '../../twilio/twilio-client';
import { deliveryError } from '../../twilio/twilio-errors';
import { TwilioSetupError, twilioCredentials, twilioSender, twilioWebhookUrl, type TwilioSender } from '../../twilio/twilio-settings';
import type { MessagingProvider, OutboundMessage, ProviderReceipt, TenantChannel } from './messaging-provider';

/** How many of the recipient's latest messages a crash recovery looks through. */
const RECOVERY_LOOKBACK = 50;

type MessageInstance = Awaited<ReturnType<twilio.Twilio['messages']['create']>>;

/** Who sends: WhatsApp addresses carry the `whatsapp:` prefix; a Messaging Service picks its own number. */
function addresses(message: OutboundMessage, sender: TwilioSender): { to: string; from?: string; messagingServiceSid?: string } {
  if (message.channel === 'whatsapp') {
    const to = `whatsapp:${message.to}`;
    if (sender.whatsappFrom) return { to, from: `whatsapp:${sender.whatsappFrom}` };
    if (sender.messagingServiceSid) return { to, messagingServiceSid: sender.messagingServiceSid };
    throw new TwilioSetupError('channels.twilio.whatsappFrom: is required to send WhatsApp without a Messaging Service');
  }
  if (sender.messagingServiceSid) return { to: message.to, messagingServiceSid: sender.messagingServiceSid };
  return { to: message.to, from: sender.from };
}

function receipt(m: MessageInstance): ProviderReceipt {
  const segments = Number(m.numSegments);
  return { providerMessageId: m.sid, status: m.status, segments: segments > 0 ? segments : undefined };
}

export function createTwilioProvider(options: TwilioClientOptions): MessagingProvider {
  const httpClient = twilioHttpClient(options);
  /** A client for this one call: the tenant's credentials are opened here and not kept. */
  async function connect(tenant: TenantChannel): Promise<twilio.Twilio> {
    return twilioClient(twilioCredentials(await tenant.credentials(), tenant.tenantId), httpClient);
  }

  return {
    name: 'twilio',

    async send(message, tenant) {
      const sender = twilioSender(tenant.settings);
      if (!tenant.publicUrl) throw new TwilioSetupError('ARO_PUBLIC_URL: is required to send through Twilio (its delivery statuses come back there)');
      const client = await connect(tenant);
      const what = message.content
        ? { contentSid: message.content.sid, contentVariables: JSON.stringify(message.content.variables) }
        : { body: message.body };
      const publicUrl = tenant.publicUrl;
      // The provider's HTTP call as a span of its own (no recipient or text on it): the end of a webhook's trace.
      return inSpan(
        'twilio POST Messages',
        { 'aro.tenant_id': tenant.tenantId, 'aro.channel': message.channel, 'http.request.method': 'POST' },
        async () => {
          try {
            const sent = await client.messages.create({
              ...addresses(message, sender),
              ...what,
              statusCallback: twilioWebhookUrl(publicUrl, tenant.tenantId, 'status'),
            });
            return receipt(sent);
          } catch (err) {
            throw deliveryError(err);
          }
        },
        SpanKind.CLIENT,
      );
    },

    async findSent(message, since, tenant, known) {
      const sender = twilioSender(tenant.settings);
      const { to, from, messagingServiceSid } = addresses(message, sender);
      const client = await connect(tenant);
      let recent: MessageInstance[];
      try {
        recent = await inSpan(
          'twilio GET Messages',
          { 'aro.tenant_id': tenant.tenantId, 'aro.channel': message.channel, 'http.request.method': 'GET' },
          () => client.messages.list({ to, limit: RECOVERY_LOOKBACK }),
          SpanKind.CLIENT,
        );
      } catch (err) {
        throw deliveryError(err);
      }
      // Same recipient, same sender, created since the first attempt, and not any other command's
      // message; a template's text is Twilio's rendering, so only plain bodies can be compared.
      const candidates = recent
        .filter((m) => m.dateCreated >= since)
        .filter((m) => (messagingServiceSid ? m.messagingServiceSid === messagingServiceSid : m.from === from))
        .filter((m) => message.content !== undefined || m.body === message.body)
        .sort((a, b) => a.dateCreated.getTime() - b.dateCreated.getTime());
      for (const m of candidates) if (!(await known(m.sid))) return receipt(m);
      return null;
    },
  };
}
