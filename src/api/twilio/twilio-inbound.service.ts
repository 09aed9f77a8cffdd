// A patient's SMS or WhatsApp message through Twilio: checked, its opt-out flag (Twilio's own STOP /
// START handling, OptOutType) written to the consent ledger, then recorded and routed like any reply.
import { Inject, Injectable } from '@nestjs/common';
import { recordConsentChange } from '../../activities/consent';
import type { Db } from '../../db/prisma';
import { replyConsentKey } from '../../workflows/contracts';
import { parsePayload } from '../http/invalid-payload';
import { ApiMetrics } from '../metrics/api-metrics';
import { InboundReplies, type ReplyRouting } from '../replies/inbound-replies.service';
import { CachedTenants } from '../tenants/cached-tenants';
import { DB } from '../tokens';
import { DeliveryAdmission } from '../webhooks/delivery-admission';
import type { TwilioRequest } from './twilio-request';
import { TwilioSignatures } from './twilio-signature.service';
import { twilioInboundSchema } from './twilio-webhook.schema';

const WHATSAPP_PREFIX = 'whatsapp:';
const CONSENT_BY_OPT_OUT_TYPE: Record<string, 'opt_out' | 'opt_in'> = { STOP: 'opt_out', START: 'opt_in' };

@Injectable()
export class TwilioInbound {
  constructor(
    @Inject(DB) private readonly db: Db,
    private readonly tenants: CachedTenants,
    private readonly admission: DeliveryAdmission,
    private readonly signatures: TwilioSignatures,
    private readonly replies: InboundReplies,
    private readonly metrics: ApiMetrics,
  ) {}

  receive(request: TwilioRequest): Promise<ReplyRouting> {
    return this.metrics.countDelivery('twilio_inbound', () => this.admission.admit(() => this.process(request)));
  }

  private async process(request: TwilioRequest): Promise<ReplyRouting> {
    const tenant = await this.tenants.require(request.tenantId);
    await this.signatures.verify(request);
    const message = parsePayload(twilioInboundSchema, request.params);
    const channel = message.From.startsWith(WHATSAPP_PREFIX) ? 'whatsapp' : 'sms';
    const from = message.From.replace(WHATSAPP_PREFIX, '');

    // Twilio has already acted on its keyword (it blocks further messages after STOP): the ledger
    // must say so before anything else can fail, whatever the reply is later classified as.
    const change = message.OptOutType ? CONSENT_BY_OPT_OUT_TYPE[message.OptOutType.toUpperCase()] : undefined;
    if (change) {
      await recordConsentChange(this.db, {
        tenantId: tenant.id,
        dedupeKey: replyConsentKey(tenant.id, message.MessageSid, change),
        phone: from,
        change,
        source: 'provider',
        messageId: message.MessageSid,
        detail: `Twilio OptOutType ${message.OptOutType}: ${message.Body}`,
        at: new Date().toISOString(),
      });
    }
    return this.replies.receive(tenant, {
      from,
      to: message.To.replace(WHATSAPP_PREFIX, ''),
      body: message.Body,
      channel,
      provider: 'twilio',
      providerMessageId: message.MessageSid,
    });
  }
}
