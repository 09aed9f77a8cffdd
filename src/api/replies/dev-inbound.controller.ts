// POST /dev/inbound/:tenantId — dev mode only: plays a patient's SMS reply without a phone network.
import { Body, Controller, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { parsePayload } from '../http/invalid-payload';
import { z } from 'zod';
import { e164Phone, text } from '../http/payload-fields';
import { ApiMetrics } from '../metrics/api-metrics';
import { CachedTenants } from '../tenants/cached-tenants';
import { DeliveryAdmission } from '../webhooks/delivery-admission';
import { InboundReplies, type ReplyRouting } from './inbound-replies.service';

/** Ten concatenated SMS segments: what carriers deliver as one message at most. */
const MAX_SMS_LENGTH = 1600;

// Strict: this route is ARO's own tool, so a field it does not know (a channel, say) is a mistake worth naming.
const devReplySchema = z.strictObject(
  { from: e164Phone, body: text(MAX_SMS_LENGTH) },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? `has unknown fields: ${issue.keys.join(', ')}` : 'must be an object with from and body') },
);

@Controller('dev/inbound')
export class DevInboundController {
  constructor(
    private readonly tenants: CachedTenants,
    private readonly admission: DeliveryAdmission,
    private readonly replies: InboundReplies,
    private readonly metrics: ApiMetrics,
  ) {}

  @Post(':tenantId')
  @HttpCode(HttpStatus.ACCEPTED)
  reply(@Param('tenantId') tenantId: string, @Body() payload: unknown): Promise<ReplyRouting> {
    // Under the same admission limit as the real providers' webhooks, so dev mode behaves as production does.
    return this.metrics.countDelivery('dev_inbound', () => this.admission.admit(() => this.receive(tenantId, payload)));
  }

  private async receive(tenantId: string, payload: unknown): Promise<ReplyRouting> {
    const tenant = await this.tenants.require(tenantId);
    const { from, body } = parsePayload(devReplySchema, payload);
    return this.replies.receive(tenant, {
      from,
      to: '',
      body,
      channel: 'sms',
      provider: 'dev',
      providerMessageId: `dev-in-${randomUUID()}`,
    });
  }
}
