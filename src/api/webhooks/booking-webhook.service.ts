// One delivery from a tenant's booking system, checked in the order docs/contracts.md promises — tenant,
// signature, payload, replay — then handed to the appointment's workflow.
import { Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import type { AroConfig } from '../../config';
import type { Db } from '../../db/prisma';
import type { Prisma, Tenant } from '../../generated/prisma/client';
import { AppointmentWorkflows, type LifecycleAnswer } from '../appointments/appointment-workflows.service';
import { appointmentDetails, lifecycleInput } from '../appointments/lifecycle-input';
import { parsePayload } from '../http/invalid-payload';
import { parseJsonBody } from '../http/json-body';
import { ApiMetrics } from '../metrics/api-metrics';
import { CachedTenants } from '../tenants/cached-tenants';
import { ARO_CONFIG, DB } from '../tokens';
import { bookingEventSchema, type BookingEvent } from './booking-event.schema';
import { verifyBookingSignature } from './booking-signature';
import { DeliveryAdmission } from './delivery-admission';
import { DeliveryLedger, type SettledState } from './delivery-ledger';

export interface BookingDelivery {
  tenantId: string;
  signature: string | undefined;
  rawBody: Buffer;
}

export const CLOSED_LIFECYCLE_NOTE = "the appointment's lifecycle has ended; book a new visit under a new externalId";

export type BookingDeliveryAnswer =
  | { status: 'accepted'; workflowId: string }
  | { status: 'accepted'; note: 'no active appointment' }
  | { status: 'ignored'; workflowId: string; note: typeof CLOSED_LIFECYCLE_NOTE }
  | { status: 'duplicate' };

const LEDGER_STATE: Record<LifecycleAnswer['lifecycle'], SettledState> = {
  running: 'applied',
  closed: 'ignored_closed',
  never_started: 'no_appointment',
};

@Injectable()
export class BookingWebhooks {
  private readonly eventSchema: ReturnType<typeof bookingEventSchema>;

  constructor(
    @Inject(DB) private readonly db: Db,
    @Inject(ARO_CONFIG) private readonly config: AroConfig,
    private readonly tenants: CachedTenants,
    private readonly admission: DeliveryAdmission,
    private readonly ledger: DeliveryLedger,
    private readonly workflows: AppointmentWorkflows,
    private readonly metrics: ApiMetrics,
  ) {
    this.eventSchema = bookingEventSchema({ horizonDays: config.ARO_BOOKING_HORIZON_DAYS });
  }

  receive(delivery: BookingDelivery): Promise<BookingDeliveryAnswer> {
    return this.metrics.countDelivery('booking', () => this.admission.admit(() => this.process(delivery)), (answer) => answer.status);
  }

  private async process({ tenantId, signature, rawBody }: BookingDelivery): Promise<BookingDeliveryAnswer> {
    const tenant = await this.tenants.require(tenantId);
    const verdict = verifyBookingSignature({
      header: signature,
      rawBody,
      secret: tenant.webhookSecret,
      toleranceSeconds: this.config.ARO_WEBHOOK_TOLERANCE_SECONDS,
      now: new Date(),
    });
    if (!verdict.valid) throw new UnauthorizedException({ error: 'invalid_signature', reason: verdict.reason });

    const received = parseJsonBody(rawBody);
    const event = parsePayload(this.eventSchema, received);

    // Recorded before Temporal is called and settled after, with no transaction in between: a failed
    // call leaves the event claimable by the booking system's retry, and the workflow, which
    // remembers event ids too, ignores an event it already has.
    const claim = await this.ledger.claim({ tenantId: tenant.id, source: 'booking', eventId: event.id }, received as Prisma.InputJsonValue);
    if (!claim) return { status: 'duplicate' };
    let answer: LifecycleAnswer;
    try {
      // A booking that runs settles its ledger entry in the statement that writes its first
      // projection row: one round trip fewer on every new appointment.
      answer = await this.apply(tenant, event, this.ledger.settlement(claim, LEDGER_STATE.running));
      if (answer.lifecycle === 'closed') await this.recordIgnored(tenant, event, answer.workflowId);
    } catch (err) {
      await this.ledger.release(claim);
      throw err;
    }
    if (!answer.wroteAlongside) await this.ledger.settle(claim, LEDGER_STATE[answer.lifecycle]);
    switch (answer.lifecycle) {
      case 'running':
        return { status: 'accepted', workflowId: answer.workflowId };
      case 'closed':
        return { status: 'ignored', workflowId: answer.workflowId, note: CLOSED_LIFECYCLE_NOTE };
      case 'never_started':
        return { status: 'accepted', note: 'no active appointment' };
    }
  }

  /** `settled`: the ledger's settlement, written with the appointment's first projection row when the lifecycle runs. */
  private apply(tenant: Tenant, event: BookingEvent, settled: Prisma.Sql): Promise<LifecycleAnswer> {
    const { externalId } = event.appointment;
    // The booking system's clock, as the workflow orders booking events by it: UTC like every instant it holds.
    const occurredAt = new Date(event.occurredAt).toISOString();
    switch (event.type) {
      case 'appointment.created':
      case 'appointment.updated': {
        const input = lifecycleInput(tenant, appointmentDetails(tenant, event.appointment), { id: event.id, occurredAt }, new Date(), this.config.ARO_TENANT_POOLS);
        return event.type === 'appointment.created'
          ? this.workflows.book(input, event.id, settled)
          : this.workflows.updateBooking(input, event.id, settled);
      }
      case 'appointment.cancelled':
        return this.workflows.cancelBooking(tenant.id, externalId, { eventId: event.id, occurredAt });
      case 'appointment.checked_in':
        return this.workflows.recordAttendance(tenant.id, externalId, { eventId: event.id, outcome: 'completed', occurredAt });
      case 'appointment.no_show':
        return this.workflows.recordAttendance(tenant.id, externalId, { eventId: event.id, outcome: 'no_show', occurredAt });
    }
  }

  /**
   * An event for a lifecycle that has closed changes nothing, but the clinic sees that it came: in
   * the appointment's audit trail, which is its timeline once the workflow has closed.
   */
  private async recordIgnored(tenant: Tenant, event: BookingEvent, workflowId: string): Promise<void> {
    const dedupeKey = `booking.ignored:${event.id}`;
    await this.db.auditEvent.createMany({
      data: [
        {
          id: `a_${workflowId}:${dedupeKey}`,
          tenantId: tenant.id,
          dedupeKey,
          actor: 'aro',
          action: 'booking.ignored',
          subject: workflowId,
          detail: { eventId: event.id, eventType: event.type, occurredAt: event.occurredAt, reason: CLOSED_LIFECYCLE_NOTE },
          at: new Date(),
        },
      ],
      skipDuplicates: true,
    });
  }
}
