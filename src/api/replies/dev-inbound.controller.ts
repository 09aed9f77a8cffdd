// POST /dev/inbound/:tenantId — dev mode only: plays a patient's SMS reply without a phone network.
import { Body, Controller, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { parsePayload } from '../http/invalid-payload';
import { ApiMetrics } from '../metrics/api-metrics';
import { CachedTenants } from '../tenants/cached-tenants';
import { DeliveryAdmission } from '../webhooks/delivery-admission';
import { devReplySchema, playReply } from './dev-reply';
import { InboundReplies, type ReplyRouting } from './inbound-replies.service';

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
    return playReply(this.replies, tenant, parsePayload(devReplySchema, payload));
  }
}
