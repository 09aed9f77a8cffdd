// POST /webhooks/twilio/:tenantId/inbound and /status — Twilio's form-encoded webhooks (docs/contracts.md).
// Both answer as soon as the message is recorded and its workflow signalled: Twilio waits 15 s at most.
import { Controller, Header, HttpCode, HttpStatus, Inject, Param, Post, Req } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import type { AroConfig } from '../../config';
import { TWILIO_WEBHOOK_PATH } from '../../twilio/twilio-settings';
import { ARO_CONFIG } from '../tokens';
import { TwilioInbound } from './twilio-inbound.service';
import { twilioRequest } from './twilio-request';
import { TwilioStatuses } from './twilio-status.service';

/** No automatic answer to the patient: ARO's workflow decides what, if anything, to reply. */
export const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

@Controller(TWILIO_WEBHOOK_PATH)
export class TwilioWebhookController {
  constructor(
    @Inject(ARO_CONFIG) private readonly config: AroConfig,
    private readonly inbound: TwilioInbound,
    private readonly statuses: TwilioStatuses,
  ) {}

  @Post(':tenantId/inbound')
  @HttpCode(HttpStatus.OK)
  @Header('Content-Type', 'text/xml')
  async receiveMessage(@Param('tenantId') tenantId: string, @Req() req: IncomingMessage): Promise<string> {
    await this.inbound.receive(twilioRequest(tenantId, req, this.config.ARO_PUBLIC_URL));
    return EMPTY_TWIML;
  }

  @Post(':tenantId/status')
  @HttpCode(HttpStatus.NO_CONTENT)
  async receiveStatus(@Param('tenantId') tenantId: string, @Req() req: IncomingMessage): Promise<void> {
    await this.statuses.receive(twilioRequest(tenantId, req, this.config.ARO_PUBLIC_URL));
  }
}
