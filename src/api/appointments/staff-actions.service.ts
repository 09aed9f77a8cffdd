// What the clinic's staff do to appointments through the API: book one (for clinics without a
// booking system); confirm, cancel, re-send a reminder, write to the patient, mark attendance and
// resolve what needed attention — each a Temporal update, answered with the state after it.
import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { WorkflowNotFoundError } from '@temporalio/client';
import { DateTime } from 'luxon';
import { z } from 'zod';
import type { AroConfig } from '../../config';
import { attentionToResolve, describeResolution } from '../../domain/attention-reasons';
import { isQuiet, quietWindowEnd } from '../../domain/quiet-hours';
import type { Db } from '../../db/prisma';
import type { Appointment as ProjectedAppointment } from '../../generated/prisma/client';
import { ErrorType, STAFF_MESSAGE_MAX_LENGTH, type Policy } from '../../workflows/contracts';
import type { AppointmentInput } from '../graphql/dto/appointment.input';
import type { TenantCaller } from '../graphql/auth/api-callers';
import { ClinicError, ClinicErrorCode, fieldsFromZod, invalidInput, notFound } from '../graphql/clinic-errors';
import type { Appointment } from '../graphql/models/appointment.model';
import { text } from '../http/payload-fields';
import { ARO_CONFIG, DB } from '../tokens';
import { newAppointmentSchema } from '../webhooks/booking-event.schema';
import { AppointmentReads } from './appointment-reads.service';
import { AppointmentWorkflows, StaffActionRefusedError, type StaffActionArgs, type StaffActionName } from './appointment-workflows.service';
import { appointmentDetails, lifecycleInput } from './lifecycle-input';

const MAX_REASON_LENGTH = 500;
/** Attention reasons are short words with an id (reply:<message id>); a longer one is no reason ARO gave. */
const MAX_ATTENTION_REASON_LENGTH = 200;

const ACTION_WORDS: Record<StaffActionName, string> = {
  confirm: 'confirm',
  cancel: 'cancel',
  resendReminder: 'resend a reminder',
  sendMessage: 'send a message',
  markAttendance: 'mark attendance',
  resolveAttention: 'resolve attention',
};

/** The failure types the workflow gives its refusals, as the clinic API's codes. */
const REFUSAL_CODES: Record<string, ClinicErrorCode> = {
  [ErrorType.PatientOptedOut]: ClinicErrorCode.PatientOptedOut,
  [ErrorType.MessageNotSent]: ClinicErrorCode.MessageNotSent,
  [ErrorType.InvalidCommand]: ClinicErrorCode.BadUserInput,
};

export const IDEMPOTENCY_KEY_MAX_LENGTH = 128;

const staffMessageSchema = z.object({
  body: text(STAFF_MESSAGE_MAX_LENGTH).refine((b) => b.trim().length > 0, 'must not be blank'),
  idempotencyKey: z
    .string()
    .regex(/^[A-Za-z0-9._:-]+$/, "must be letters, digits, '.', '_', ':' or '-'")
    .max(IDEMPOTENCY_KEY_MAX_LENGTH, `must be at most ${IDEMPOTENCY_KEY_MAX_LENGTH} characters`)
    .optional(),
});
const resolutionSchema = z.object({
  reason: text(MAX_ATTENTION_REASON_LENGTH).optional(),
  note: text(MAX_REASON_LENGTH).optional(),
});

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

  act(caller: TenantCaller, externalId: string, action: 'confirm' | 'cancel' | 'resendReminder', reason?: string | null): Promise<Appointment> {
    if (reason && reason.length > MAX_REASON_LENGTH) {
      throw invalidInput([{ field: 'reason', message: `must be at most ${MAX_REASON_LENGTH} characters` }]);
    }
    return this.update(caller, externalId, action, { actor: caller.keyName, ...(reason ? { reason } : {}) });
  }

  /**
   * Staff's reply to the patient. Refused during the clinic's quiet hours (by its current policy),
   * with when they end, rather than held: staff who write at night see at once that the patient
   * will not read it until morning, and decide then whether it still holds. `idempotencyKey` is the
   * update's id: Temporal answers a repeat with the first outcome instead of running it again.
   */
  async sendMessage(caller: TenantCaller, externalId: string, body: string, idempotencyKey?: string): Promise<Appointment> {
    const parsed = staffMessageSchema.safeParse({ body, idempotencyKey });
    if (!parsed.success) throw invalidInput(fieldsFromZod(parsed.error.issues));
    // Known first, so that another clinic's appointment is not found whatever the hour.
    await this.requireProjected(caller.tenantId, externalId);
    const tenant = await this.db.tenant.findUniqueOrThrow({ where: { id: caller.tenantId }, select: { policy: true, timeZone: true } });
    const quietHours = (tenant.policy as unknown as Policy).quietHours;
    const now = DateTime.utc();
    if (quietHours && isQuiet(now, quietHours, tenant.timeZone)) {
      const until = quietWindowEnd(now, quietHours, tenant.timeZone);
      throw new ClinicError(
        ClinicErrorCode.QuietHours,
        `cannot send a message: the clinic's quiet hours (${quietHours.start}–${quietHours.end}) last until ${until.setZone(tenant.timeZone).toFormat('HH:mm')}; send it then`,
        { externalId, until: until.toISO() },
      );
    }
    return this.update(caller, externalId, 'sendMessage', { actor: caller.keyName, body: parsed.data.body }, { updateId: parsed.data.idempotencyKey });
  }

  markAttendance(caller: TenantCaller, externalId: string, outcome: 'completed' | 'no_show'): Promise<Appointment> {
    return this.update(caller, externalId, 'markAttendance', { actor: caller.keyName, outcome });
  }

  /**
   * Clears what needed attention. A lifecycle that has ended can no longer change its own state, yet
   * its row may still need attention (a reply after a cancellation): then the row is cleared here,
   * and the audit log keeps who did it, which the closed appointment's timeline shows.
   */
  async resolveAttention(caller: TenantCaller, externalId: string, reason: string | null, note: string | null): Promise<Appointment> {
    const parsed = resolutionSchema.safeParse({ reason: reason ?? undefined, note: note ?? undefined });
    if (!parsed.success) throw invalidInput(fieldsFromZod(parsed.error.issues));
    const { reason: which, note: why } = parsed.data;
    try {
      return await this.update(caller, externalId, 'resolveAttention', { actor: caller.keyName, reason: which, note: why }, { endedIsRefusal: false });
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
    }
    const row = await this.requireProjected(caller.tenantId, externalId);
    return this.resolveEnded(caller, row, which, why);
  }

  private async resolveEnded(caller: TenantCaller, row: ProjectedAppointment, reason: string | undefined, note: string | undefined): Promise<Appointment> {
    // Rows recorded before the projection kept reasons know only that attention was needed.
    const known = row.attentionReasons.length > 0 || !row.needsAttention ? row.attentionReasons : ['attention'];
    const resolved = attentionToResolve(known, reason);
    if (typeof resolved === 'string') throw refused(resolved, row.externalId);
    const remaining = known.filter((r) => !resolved.includes(r));
    const at = new Date();
    const [changed] = await this.db.$transaction([
      this.db.appointment.updateMany({
        where: { tenantId: caller.tenantId, externalId: row.externalId, attentionReasons: { equals: row.attentionReasons }, needsAttention: row.needsAttention },
        data: { attentionReasons: remaining, needsAttention: remaining.length > 0 },
      }),
      this.db.auditEvent.create({
        data: {
          id: `a_${randomUUID()}`,
          tenantId: caller.tenantId,
          actor: caller.keyName,
          action: 'attention.resolved',
          subject: row.workflowId,
          detail: { reasons: resolved, description: describeResolution(resolved, caller.keyName, note), ...(note ? { note } : {}) },
          at,
        },
      }),
    ]);
    if (changed.count === 0) {
      throw new ClinicError(ClinicErrorCode.Conflict, 'someone changed this appointment at the same time; read it again and retry', { externalId: row.externalId });
    }
    const closed = await this.reads.closed(caller.tenantId, row.externalId);
    return closed!;
  }

  private async requireProjected(tenantId: string, externalId: string): Promise<ProjectedAppointment> {
    const row = await this.db.appointment.findUnique({ where: { tenantId_externalId: { tenantId, externalId } } });
    if (!row) throw notFound(`no appointment with externalId "${externalId}"`);
    return row;
  }

  /**
   * One staff update. A lifecycle that has ended answers INVALID_TRANSITION with its last state,
   * unless `endedIsRefusal` is false: the caller then handles WorkflowNotFoundError itself.
   * `updateId`: the Temporal update's id, so that a repeat gets the first outcome.
   */
  private async update<A extends StaffActionName>(
    caller: TenantCaller,
    externalId: string,
    action: A,
    args: StaffActionArgs<A>,
    { endedIsRefusal = true, updateId }: { endedIsRefusal?: boolean; updateId?: string } = {},
  ): Promise<Appointment> {
    try {
      return await this.reads.withStoredHistory(await this.workflows.staffAction(caller.tenantId, externalId, action, args, updateId));
    } catch (err) {
      if (err instanceof StaffActionRefusedError) {
        throw new ClinicError((err.type && REFUSAL_CODES[err.type]) || ClinicErrorCode.InvalidTransition, err.message, { externalId });
      }
      if (!(err instanceof WorkflowNotFoundError)) throw err;
      const closed = await this.reads.closed(caller.tenantId, externalId);
      if (!closed) throw notFound(`no appointment with externalId "${externalId}"`);
      if (!endedIsRefusal) throw err;
      throw refused(`cannot ${ACTION_WORDS[action]}: the appointment is ${closed.status} and its lifecycle has ended`, externalId);
    }
  }
}

function refused(message: string, externalId: string): ClinicError {
  return new ClinicError(ClinicErrorCode.InvalidTransition, message, { externalId });
}
