// Twilio's delivery receipts: deduped by message and status, applied only when they move the message
// forward (callbacks overtake each other), then handed to the appointment's workflow. A receipt for
// an id no message has yet is kept `unmatched` for the send to adopt (src/activities/delivery-receipts.ts).
import { Inject, Injectable } from '@nestjs/common';
import type { Db } from '../../db/prisma';
import { applyReceipt, receiptEventId, receiptSource, type ProviderMessage } from '../../activities/delivery-receipts';
import type { Prisma } from '../../generated/prisma/client';
import type { DeliveryStatusSignal } from '../../workflows/contracts';
import { AppointmentWorkflows } from '../appointments/appointment-workflows.service';
import { parsePayload } from '../http/invalid-payload';
import { ApiMetrics } from '../metrics/api-metrics';
import { CachedTenants } from '../tenants/cached-tenants';
import { DB } from '../tokens';
import { DeliveryAdmission } from '../webhooks/delivery-admission';
import { DeliveryLedger, type Claim, type SettledState } from '../webhooks/delivery-ledger';
import type { TwilioRequest } from './twilio-request';
import { TwilioSignatures } from './twilio-signature.service';
import { twilioStatusSchema } from './twilio-webhook.schema';

/** The statuses the workflow acts on; the others (accepted, sending...) only update the record. */
const SIGNALLED: readonly string[] = ['queued', 'sent', 'delivered', 'failed', 'undelivered', 'read'] satisfies DeliveryStatusSignal['status'][];

/** unmatched: kept for a message whose id is not stored yet (see src/activities/delivery-receipts.ts). */
export type StatusAnswer = 'applied' | 'duplicate' | 'stale' | 'unmatched';

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
      (answer) => (answer === 'applied' || answer === 'unmatched' ? 'accepted' : answer === 'stale' ? 'ignored' : 'duplicate'),
    );
  }

  private async process(request: TwilioRequest): Promise<StatusAnswer> {
    const tenant = await this.tenants.require(request.tenantId);
    await this.signatures.verify(request);
    const receipt = parsePayload(twilioStatusSchema, request.params);
    const status = receipt.MessageStatus.toLowerCase();
    const errorCode = receipt.ErrorCode || undefined;
    const message: ProviderMessage = { tenantId: tenant.id, provider: 'twilio', providerMessageId: receipt.MessageSid };
    // Only to label the metric (the schema does not require `To`): Twilio prefixes WhatsApp addresses.
    const channel = String(request.params.To ?? '').startsWith('whatsapp:') ? 'whatsapp' : 'sms';

    // As for booking webhooks: recorded first, settled once the workflow has it, no transaction
    // around the signal; a failed signal leaves Twilio's retry (or a later status) free to apply it.
    const key = { tenantId: tenant.id, source: receiptSource('twilio'), eventId: receiptEventId(receipt.MessageSid, status) };
    const claim = await this.ledger.claim(key, request.params as Prisma.InputJsonObject);
    if (!claim) return 'duplicate';
    const state = await this.applyAndSettle(claim, message, channel, status, errorCode);
    if (state !== 'unmatched') return answerFor(state);

    // Kept as unmatched, then looked for again: a send that stored the id between the first look
    // and that write has missed this receipt, and it is applied here; otherwise the send adopts it.
    if ((await this.db.message.count({ where: message })) === 0) return 'unmatched';
    const reclaimed = await this.ledger.reclaimUnmatched(key);
    if (!reclaimed) return 'applied';
    return answerFor(await this.applyAndSettle(reclaimed, message, channel, status, errorCode));
  }

  private async applyAndSettle(claim: Claim, message: ProviderMessage, channel: string, status: string, errorCode: string | undefined): Promise<SettledState> {
    let state: SettledState;
    try {
      state = await this.apply(message, status, errorCode);
    } catch (err) {
      await this.ledger.release(claim);
      throw err;
    }
    if (state === 'unmatched') await this.ledger.keepUnmatched(claim);
    else await this.ledger.settle(claim, state);
    if (state === 'applied' || state === 'ignored_closed') this.metrics.countReceipt(channel, status);
    return state;
  }

  private async apply(where: ProviderMessage, status: string, errorCode: string | undefined): Promise<SettledState> {
    const message = await applyReceipt(this.db, where, status, errorCode);
    if (!message) return 'unmatched';
    // Not moved: passed already — or moved to this very status by an earlier attempt whose signal
    // failed, which this retry must still hand on.
    if (!message.moved && message.status !== status) return 'stale';
    if (!message.appointmentId || !SIGNALLED.includes(status)) return 'applied';
    const reached = await this.workflows.reportDelivery(message.appointmentId, {
      providerMessageId: where.providerMessageId,
      status: status as DeliveryStatusSignal['status'],
      errorCode,
    });
    return reached ? 'applied' : 'ignored_closed';
  }
}

function answerFor(state: SettledState): StatusAnswer {
  return state === 'stale' ? 'stale' : state === 'unmatched' ? 'unmatched' : 'applied';
}
