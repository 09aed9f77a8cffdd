// Appointments: the list and one appointment, and the staff actions on them.
import { UsePipes } from '@nestjs/common';
import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { AppointmentReads } from '../../appointments/appointment-reads.service';
import { IDEMPOTENCY_KEY_MAX_LENGTH, StaffActions } from '../../appointments/staff-actions.service';
import type { TenantCaller } from '../auth/api-callers';
import { ClinicKey } from '../auth/caller.decorators';
import { AppointmentInput } from '../dto/appointment.input';
import { AppointmentFilter } from '../dto/appointment-filter.input';
import { PageArgs } from '../dto/page.args';
import { InputValidationPipe } from '../input-validation.pipe';
import { Appointment, AppointmentConnection } from '../models/appointment.model';
import { AttendanceOutcomeValue } from '../models/enums';
import type { ConnectionShape } from '../models/connection.model';
import type { AppointmentSummary } from '../models/appointment.model';
import { pageComplexity } from '../query-limits.plugin';

const externalIdArg = { name: 'externalId', type: () => ID } as const;

@Resolver(() => Appointment)
@UsePipes(InputValidationPipe)
export class AppointmentResolver {
  constructor(
    private readonly reads: AppointmentReads,
    private readonly staff: StaffActions,
  ) {}

  @Query(() => AppointmentConnection, { complexity: pageComplexity, description: 'Soonest first, from the database projection.' })
  appointments(
    @ClinicKey() caller: TenantCaller,
    @Args('filter', { type: () => AppointmentFilter, nullable: true }) filter: AppointmentFilter | null,
    @Args() page: PageArgs,
  ): Promise<ConnectionShape<AppointmentSummary>> {
    return this.reads.list(caller.tenantId, filter, page);
  }

  @Query(() => Appointment, { nullable: true, description: 'Live from its workflow; from the projection once closed. Null when there is none.' })
  appointment(@ClinicKey() caller: TenantCaller, @Args(externalIdArg) externalId: string): Promise<Appointment | null> {
    return this.reads.get(caller.tenantId, externalId);
  }

  @Mutation(() => Appointment, { description: 'Books an appointment in ARO, for clinics without a booking system.' })
  createAppointment(@ClinicKey() caller: TenantCaller, @Args('input') input: AppointmentInput): Promise<Appointment> {
    return this.staff.create(caller, input);
  }

  @Mutation(() => Appointment, { description: 'Staff confirm it (e.g. the patient called). INVALID_TRANSITION once cancelled or over.' })
  confirmAppointment(@ClinicKey() caller: TenantCaller, @Args(externalIdArg) externalId: string): Promise<Appointment> {
    return this.staff.act(caller, externalId, 'confirm');
  }

  @Mutation(() => Appointment, { description: 'Staff cancel it; the patient is told if they have been messaged before.' })
  cancelAppointment(
    @ClinicKey() caller: TenantCaller,
    @Args(externalIdArg) externalId: string,
    @Args('reason', { type: () => String, nullable: true }) reason: string | null,
  ): Promise<Appointment> {
    return this.staff.act(caller, externalId, 'cancel', reason);
  }

  @Mutation(() => Appointment, { description: 'Sends the confirm-request reminder again now.' })
  resendReminder(@ClinicKey() caller: TenantCaller, @Args(externalIdArg) externalId: string): Promise<Appointment> {
    return this.staff.act(caller, externalId, 'resendReminder');
  }

  @Mutation(() => Appointment, {
    description:
      "Staff reply to the patient in free text (SMS, up to 1600 characters), sent now and recorded in the thread (kind staff_message). " +
      'PATIENT_OPTED_OUT when the patient has opted out; QUIET_HOURS (extensions.until) during the clinic\'s quiet hours, when nothing is held back ' +
      'for later; MESSAGE_NOT_SENT when the provider refused it; INVALID_TRANSITION once the lifecycle has ended.',
  })
  sendMessage(
    @ClinicKey() caller: TenantCaller,
    @Args(externalIdArg) externalId: string,
    @Args('body', { type: () => String }) body: string,
    @Args('idempotencyKey', {
      type: () => String,
      nullable: true,
      description:
        'The same key for a retry of the same message (after a lost answer): it is sent once and the retry gets the first answer. ' +
        `1 to ${IDEMPOTENCY_KEY_MAX_LENGTH} letters, digits, '.', '_', ':' or '-', e.g. a UUID made when staff press Send.`,
    })
    idempotencyKey?: string | null,
  ): Promise<Appointment> {
    return this.staff.sendMessage(caller, externalId, body, idempotencyKey ?? undefined);
  }

  @Mutation(() => Appointment, {
    description:
      'The front desk says whether the patient came: the follow-up (review request or rebook) is planned as for the booking system\'s check-in or no-show. ' +
      'INVALID_TRANSITION once cancelled or already marked, and for a no-show before the start.',
  })
  markAttendance(
    @ClinicKey() caller: TenantCaller,
    @Args(externalIdArg) externalId: string,
    @Args('outcome', { type: () => AttendanceOutcomeValue }) outcome: AttendanceOutcomeValue,
  ): Promise<Appointment> {
    return this.staff.markAttendance(caller, externalId, outcome);
  }

  @Mutation(() => Appointment, {
    description:
      'A person has dealt with it: clears the attention reasons (all, or the one given: an exact reason such as reply:<id>, or a kind such as reply), ' +
      'recorded in the timeline with the note. Works after the lifecycle has ended too. INVALID_TRANSITION when the reason is not among them.',
  })
  resolveAttention(
    @ClinicKey() caller: TenantCaller,
    @Args(externalIdArg) externalId: string,
    @Args('reason', { type: () => String, nullable: true }) reason: string | null,
    @Args('note', { type: () => String, nullable: true }) note: string | null,
  ): Promise<Appointment> {
    return this.staff.resolveAttention(caller, externalId, reason, note);
  }
}
