// Twilio's delivery receipts: deduped by message and status, applied only when they move the message
// forward (callbacks overtake each other), then handed to the appointment's workflow.
import { Inject, Injectable } from '@nestjs/common';
import type { Db } from '../../db/prisma';
import { isDeliveryFailure, statusesBefore } from '../../domain/delivery-status';
import type { Prisma } from '../../generated/prisma/client';
import type { DeliveryStatusSignal } from '../../workflows/contracts';
import { AppointmentWorkflows } from '../appointments/appointment-workflows.service';
import { parsePayload } from '../http/invalid-payload';
import { ApiMetrics } from '../metrics/api-metrics';
import { requireTenant } from '../tenants/require-tenant';
import { DB } from '../tokens';
import type { TwilioRequest } from './twilio-request';
import { TwilioSignatures } from './twilio-signature.service';
import { twilioStatusSchema } from './twilio-webhook.schema';

/** As for booking webhooks: longer than the Temporal call's own deadline. */
const DEDUPE_TRANSACTION_TIMEOUT_MS = 15_000;

/** The statuses the workflow acts on; the others (accepted, sending...) only update the record. */
const SIGNALLED: readonly string[] = ['queued', 'sent', 'delivered', 'failed', 'undelivered', 'read'] satisfies DeliveryStatusSignal['status'][];

export type StatusAnswer = 'applied' | 'duplicate' | 'stale';

@Injectable()
export class TwilioStatuses {
  constructor(
    @Inject(DB) private readonly db: Db,
    private readonly signatures: TwilioSignatures,
    private readonly workflows: AppointmentWorkflows,
    private readonly metrics: ApiMetrics,
  ) {}

  receive(request: TwilioRequest): Promise<StatusAnswer> {
    return this.metrics.countDelivery('twilio_status', () => this.process(request), (answer) => answer === 'duplicate');
  }

  private async process(request: TwilioRequest): Promise<StatusAnswer> {
    const tenant = await requireTenant(this.db, request.tenantId);
    await this.signatures.verify(request);
    const receipt = parsePayload(twilioStatusSchema, request.params);
    const status = receipt.MessageStatus.toLowerCase();
    const errorCode = receipt.ErrorCode || undefined;
    // As for booking webhooks, the dedupe row commits only with the signal: a failed signal leaves
    // Twilio's retry (or a later status) free to try again.
    return this.db.$transaction(
      async (tx) => {
        const fresh = await tx.webhookEvent.createMany({
          data: [
            {
              tenantId: tenant.id,
              source: 'twilio.status',
              eventId: `${receipt.MessageSid}:${status}`,
              payload: request.params as Prisma.InputJsonObject,
            },
          ],
          skipDuplicates: true,
        });
        if (fresh.count === 0) return 'duplicate';
        const now = new Date();
        const where = { tenantId: tenant.id, provider: 'twilio', providerMessageId: receipt.MessageSid };
        const moved = await tx.message.updateMany({
          where: { ...where, status: { in: statusesBefore(status) } },
          data: {
            status,
            ...(errorCode ? { errorCode } : {}),
            ...(status === 'delivered' ? { deliveredAt: now } : {}),
            ...(isDeliveryFailure(status) ? { failedAt: now } : {}),
          },
        });
        if (moved.count === 0) return 'stale';
        const message = await tx.message.findFirstOrThrow({ where, select: { appointmentId: true } });
        if (message.appointmentId && SIGNALLED.includes(status)) {
          await this.workflows.reportDelivery(message.appointmentId, {
            providerMessageId: receipt.MessageSid,
            status: status as DeliveryStatusSignal['status'],
            errorCode,
          });
        }
        return 'applied';
      },
      { timeout: DEDUPE_TRANSACTION_TIMEOUT_MS },
    );
  }
}
