// What the clinic's staff do to appointments through the API: book one (for clinics without a
// booking system) and confirm, cancel or re-send a reminder — each a Temporal update, answered with
// the state after it.
import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { Db } from '../../db/prisma';
import type { AppointmentInput } from '../graphql/dto/appointment.input';
import type { TenantCaller } from '../graphql/auth/api-callers';
import { ClinicError, ClinicErrorCode, fieldsFromZod, invalidInput, notFound } from '../graphql/clinic-errors';
import type { Appointment } from '../graphql/models/appointment.model';
import type { AroConfig } from '../../config';
import { ARO_CONFIG, DB } from '../tokens';
import { newAppointmentSchema } from '../webhooks/booking-event.schema';
import { AppointmentReads } from './appointment-reads.service';
import { AppointmentWorkflows, StaffActionRefusedError, type StaffActionName } from './appointment-workflows.service';
import { appointmentDetails, lifecycleInput } from './lifecycle-input';

const MAX_REASON_LENGTH = 500;

const ACTION_WORDS: Record<StaffActionName, string> = {
  confirm: 'confirm',
  cancel: 'cancel',
  resendReminder: 'resend a reminder',
};

@Injectable()
export class StaffActions {
  /** The booking webhook's rules for a new appointment, so both ways in accept the same appointments. */
  private readonly appointmentSchema: ReturnType<typeof newAppointmentSchema>;

  constructor(
    @Inject(DB) private readonly db: Db,
    @Inject(ARO_CONFIG) private readonly config: AroConfig,
    private readonly workflows: AppointmentWorkflows,
    private readonly reads: AppointmentReads,
  ) {
    this.appointmentSchema = newAppointmentSchema({ horizonDays: config.ARO_BOOKING_HORIZON_DAYS });
  }

  async create(caller: TenantCaller, input: AppointmentInput): Promise<Appointment> {
    const parsed = this.appointmentSchema.safeParse({
      externalId: input.externalId ?? `aro-${randomUUID()}`,
      startsAt: input.startsAt.toISOString(),
      durationMinutes: input.durationMinutes ?? undefined,
      patient: { name: input.patient.name, phone: input.patient.phone, locale: input.patient.locale ?? undefined },
      provider: input.provider ?? undefined,
      location: input.location ?? undefined,
    });
    if (!parsed.success) throw invalidInput(fieldsFromZod(parsed.error.issues, 'input'));
    const booked = parsed.data;
    const existing = await this.db.appointment.findUnique({
      where: { tenantId_externalId: { tenantId: caller.tenantId, externalId: booked.externalId } },
      select: { status: true },
    });
    if (existing) {
      throw new ClinicError(ClinicErrorCode.AlreadyExists, `input.externalId: an appointment "${booked.externalId}" already exists`, {
        fields: [{ field: 'input.externalId', message: 'already exists' }],
      });
    }
    const tenant = await this.db.tenant.findUniqueOrThrow({ where: { id: caller.tenantId } });
    // An event id of its own, as a booking system's would be: the workflow remembers it, so a retry is no second booking.
    const eventId = `api:${caller.keyId}:${randomUUID()}`;
    const lifecycle = lifecycleInput(tenant, appointmentDetails(tenant, booked), { id: eventId }, new Date(), this.config.ARO_TENANT_POOLS);
    await this.workflows.book(lifecycle, eventId);
    const created = await this.reads.get(caller.tenantId, booked.externalId);
    if (!created) throw new Error(`appointment ${booked.externalId} vanished right after it was booked`);
    return created;
  }

  async act(caller: TenantCaller, externalId: string, action: StaffActionName, reason?: string | null): Promise<Appointment> {
    if (reason && reason.length > MAX_REASON_LENGTH) {
      throw invalidInput([{ field: 'reason', message: `must be at most ${MAX_REASON_LENGTH} characters` }]);
    }
    try {
      const by = { actor: caller.keyName, ...(reason ? { reason } : {}) };
      return await this.reads.withStoredHistory(await this.workflows.staffAction(caller.tenantId, externalId, action, by));
    } catch (err) {
      if (err instanceof StaffActionRefusedError) throw refused(err.message, externalId);
      if (!(err instanceof WorkflowNotFoundError)) throw err;
      const closed = await this.reads.closed(caller.tenantId, externalId);
      if (!closed) throw notFound(`no appointment with externalId "${externalId}"`);
      throw refused(`cannot ${ACTION_WORDS[action]}: the appointment is ${closed.status} and its lifecycle has ended`, externalId);
    }
  }
}

function refused(message: string, externalId: string): ClinicError {
  return new ClinicError(ClinicErrorCode.InvalidTransition, message, { externalId });
}
