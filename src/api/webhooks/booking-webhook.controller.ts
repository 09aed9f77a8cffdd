// POST /webhooks/booking/:tenantId — the booking system tells ARO about an appointment (docs/contracts.md).
import { Controller, Headers, HttpStatus, Param, Post, Req, Res, type RawBodyRequest } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BOOKING_SIGNATURE_HEADER } from './booking-signature';
import { BookingWebhooks, type BookingDeliveryAnswer } from './booking-webhook.service';

export const BOOKING_WEBHOOK_PATH = 'webhooks/booking';

@Controller(BOOKING_WEBHOOK_PATH)
export class BookingWebhookController {
  constructor(private readonly bookingWebhooks: BookingWebhooks) {}

  @Post(':tenantId')
  async receive(
    @Param('tenantId') tenantId: string,
    @Headers(BOOKING_SIGNATURE_HEADER) signature: string | undefined,
    @Req() req: RawBodyRequest<IncomingMessage>,
    @Res({ passthrough: true }) res: ServerResponse,
  ): Promise<BookingDeliveryAnswer> {
    // No body at all leaves rawBody unset; it is then checked (and refused) like any other body.
    const answer = await this.bookingWebhooks.receive({ tenantId, signature, rawBody: req.rawBody ?? Buffer.alloc(0) });
    // 200 tells the booking system it already delivered this event; 202 that ARO took it on now
    // (applied, or recorded as ignored when the appointment's lifecycle has ended).
    res.statusCode = answer.status === 'duplicate' ? HttpStatus.OK : HttpStatus.ACCEPTED;
    return answer;
  }
}
