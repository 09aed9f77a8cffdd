// One delivery from a tenant's booking system, checked in the order DESIGN §4 promises — tenant,
// signature, payload, replay — then handed to the appointment's workflow.
import { Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import type { AroConfig } from '../../config';
import type { Db } from '../../db/prisma';
import type { Prisma, Tenant } from '../../generated/prisma/client';
import { AppointmentWorkflows } from '../appointments/appointment-workflows.service';
import { appointmentDetails, lifecycleInput } from '../appointments/lifecycle-input';
import { parsePayload } from '../http/invalid-payload';
import { parseJsonBody } from '../http/json-body';
import { ApiMetrics } from '../metrics/api-metrics';
import { requireTenant } from '../tenants/require-tenant';
import { ARO_CONFIG, DB } from '../tokens';
import { bookingEventSchema, type BookingEvent } from './booking-event.schema';
import { verifyBookingSignature } from './booking-signature';

/** Longer than the Temporal call's own deadline, so that deadline is what ends a slow delivery. */
const DEDUPE_TRANSACTION_TIMEOUT_MS = 15_000;

export interface BookingDelivery {
  tenantId: string;
  signature: string | undefined;
  rawBody: Buffer;
}

export type BookingDeliveryAnswer =
  | { status: 'accepted'; workflowId: string }
  | { status: 'accepted'; note: 'no active appointment' }
  | { status: 'duplicate' };

@Injectable()
export class BookingWebhooks {
  private readonly eventSchema: ReturnType<typeof bookingEventSchema>;

  constructor(
    @Inject(DB) private readonly db: Db,
    @Inject(ARO_CONFIG) private readonly config: AroConfig,
    private readonly workflows: AppointmentWorkflows,
    private readonly metrics: ApiMetrics,
  ) {
    this.eventSchema = bookingEventSchema({ horizonDays: config.ARO_BOOKING_HORIZON_DAYS });
  }

  receive(delivery: BookingDelivery): Promise<BookingDeliveryAnswer> {
    return this.metrics.countDelivery('booking', () => this.process(delivery), (answer) => answer.status === 'duplicate');
  }

  private async process({ tenantId, signature, rawBody }: BookingDelivery): Promise<BookingDeliveryAnswer> {
    const tenant = await requireTenant(this.db, tenantId);
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
    return this.db.$transaction((tx) => this.recordAndApply(tx, tenant, event, received), {
      timeout: DEDUPE_TRANSACTION_TIMEOUT_MS,
    });
  }

  /**
   * The event id is recorded in the same transaction as the Temporal call: if the call fails the row
   * rolls back, so the booking system's retry is taken for a new delivery, never for a duplicate.
   * (Should the commit itself fail after the call, the retry signals again and the workflow, which
   * remembers event ids too, ignores it.)
   */
  private async recordAndApply(
    tx: Prisma.TransactionClient,
    tenant: Tenant,
    event: BookingEvent,
    received: unknown,
  ): Promise<BookingDeliveryAnswer> {
    const recorded = await tx.webhookEvent.createMany({
      data: [{ tenantId: tenant.id, source: 'booking', eventId: event.id, payload: received as Prisma.InputJsonValue }],
      // A concurrent delivery of the same id waits here on the first one's row until it commits
      // (then it is a duplicate) or rolls back (then it goes ahead).
      skipDuplicates: true,
    });
    if (recorded.count === 0) return { status: 'duplicate' };

    const workflowId = await this.apply(tenant, event);
    return workflowId ? { status: 'accepted', workflowId } : { status: 'accepted', note: 'no active appointment' };
  }

  /** Returns the workflow the event reached, or null when the appointment has no running lifecycle. */
  private apply(tenant: Tenant, event: BookingEvent): Promise<string | null> {
    const { externalId } = event.appointment;
    switch (event.type) {
      case 'appointment.created':
      case 'appointment.updated': {
        const appointment = appointmentDetails(tenant, event.appointment);
        return this.workflows.book(lifecycleInput(tenant, appointment, { id: event.id, occurredAt: new Date(event.occurredAt).toISOString() }), event.id);
      }
      case 'appointment.cancelled':
        return this.workflows.cancelBooking(tenant.id, externalId, event.id);
      case 'appointment.checked_in':
        return this.workflows.recordAttendance(tenant.id, externalId, { eventId: event.id, outcome: 'completed' });
      case 'appointment.no_show':
        return this.workflows.recordAttendance(tenant.id, externalId, { eventId: event.id, outcome: 'no_show' });
    }
  }
}
