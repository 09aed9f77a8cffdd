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
import { CachedTenants } from '../tenants/cached-tenants';
import { DB } from '../tokens';
import { DeliveryAdmission } from '../webhooks/delivery-admission';
import { DeliveryLedger, type SettledState } from '../webhooks/delivery-ledger';
import type { TwilioRequest } from './twilio-request';
import { TwilioSignatures } from './twilio-signature.service';
import { twilioStatusSchema } from './twilio-webhook.schema';

/** The statuses the workflow acts on; the others (accepted, sending...) only update the record. */
const SIGNALLED: readonly string[] = ['queued', 'sent', 'delivered', 'failed', 'undelivered', 'read'] satisfies DeliveryStatusSignal['status'][];

export type StatusAnswer = 'applied' | 'duplicate' | 'stale';

@Injectable()
export class TwilioStatuses {
  constructor(
    @Inject(DB) private readonly db: Db,
    private readonly tenants: CachedTenants,
    private readonly admission: DeliveryAdmission,
    private readonly ledger: DeliveryLedger,
    private readonly signatures: TwilioSignatures,
    private readonly workflows: AppointmentWorkflows,
    private readonly metrics: ApiMetrics,
  ) {}

  receive(request: TwilioRequest): Promise<StatusAnswer> {
    return this.metrics.countDelivery(
      'twilio_status',
      () => this.admission.admit(() => this.process(request)),
      (answer) => (answer === 'applied' ? 'accepted' : answer === 'stale' ? 'ignored' : 'duplicate'),
    );
  }

  private async process(request: TwilioRequest): Promise<StatusAnswer> {
    const tenant = await this.tenants.require(request.tenantId);
    await this.signatures.verify(request);
    const receipt = parsePayload(twilioStatusSchema, request.params);
    const status = receipt.MessageStatus.toLowerCase();
    const errorCode = receipt.ErrorCode || undefined;

    // As for booking webhooks: recorded first, settled once the workflow has it, no transaction
    // around the signal; a failed signal leaves Twilio's retry (or a later status) free to apply it.
    const claim = await this.ledger.claim(
      { tenantId: tenant.id, source: 'twilio.status', eventId: `${receipt.MessageSid}:${status}` },
      request.params as Prisma.InputJsonObject,
    );
    if (!claim) return 'duplicate';
    let state: SettledState;
    try {
      state = await this.apply(tenant.id, receipt.MessageSid, status, errorCode);
    } catch (err) {
      await this.ledger.release(claim);
      throw err;
    }
    await this.ledger.settle(claim, state);
    return state === 'stale' ? 'stale' : 'applied';
  }

  private async apply(tenantId: string, messageSid: string, status: string, errorCode: string | undefined): Promise<SettledState> {
    const now = new Date();
    const where = { tenantId, provider: 'twilio', providerMessageId: messageSid };
    const moved = await this.db.message.updateMany({
      where: { ...where, status: { in: statusesBefore(status) } },
      data: {
        status,
        ...(errorCode ? { errorCode } : {}),
        ...(status === 'delivered' ? { deliveredAt: now } : {}),
        ...(isDeliveryFailure(status) ? { failedAt: now } : {}),
      },
    });
    // Not moved: passed already — or moved to this very status by an earlier attempt whose signal
    // failed, which this retry must still hand on.
    const message = await this.db.message.findFirst({
      where: moved.count === 1 ? where : { ...where, status },
      select: { appointmentId: true },
    });
    if (!message) return 'stale';
    if (!message.appointmentId || !SIGNALLED.includes(status)) return 'applied';
    const reached = await this.workflows.reportDelivery(message.appointmentId, {
      providerMessageId: messageSid,
      status: status as DeliveryStatusSignal['status'],
      errorCode,
    });
    return reached ? 'applied' : 'ignored_closed';
  }
}
