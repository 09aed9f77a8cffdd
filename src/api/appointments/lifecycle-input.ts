// Turns a tenant and a booked appointment into the plain data an appointment workflow starts from.
// Done here, outside the workflow, because it reads the tenant's stored policy, parses dates and
// plans the touches with the time-zone database (which workflow code may not read).
import { Duration } from 'luxon';
import { parsePolicy } from '../../domain/policy';
import { DEFAULT_TENANT_POOLS, skillRoute } from '../../routing/tenant-task-queue';
import { planTouches } from '../../domain/touch-schedule';
import type { Tenant } from '../../generated/prisma/client';
import { LIFECYCLE_VERSION, type AppointmentDetails, type LifecycleInput } from '../../workflows/contracts';
import { initialProjection } from '../../workflows/lifecycle-state';
import type { BookedAppointment } from '../webhooks/booking-event.schema';

/** What a booking system means when it leaves the length out. */
const DEFAULT_DURATION_MINUTES = 30;

export function appointmentDetails(tenant: Tenant, booked: BookedAppointment): AppointmentDetails {
  return {
    externalId: booked.externalId,
    // The workflow only deals in UTC instants; the offset has done its job once parsed.
    startsAt: new Date(booked.startsAt).toISOString(),
    durationMinutes: booked.durationMinutes ?? DEFAULT_DURATION_MINUTES,
    patient: {
      name: booked.patient.name,
      phone: booked.patient.phone,
      locale: booked.patient.locale ?? tenant.defaultLocale,
    },
    provider: booked.provider,
    location: booked.location,
  };
}

export interface BookingEventRef {
  id: string;
  /** When the booking system says it happened (UTC ISO). */
  occurredAt?: string;
}

/**
 * The workflow's input, its touches planned as of `now` (the workflow's own clock when a test
 * server runs it ahead of the wall clock), with the projection row the starter writes
 * (AppointmentWorkflows.book does).
 */
export function lifecycleInput(
  tenant: { id: string; timeZone: string; policy: unknown; executor?: string },
  appointment: AppointmentDetails,
  event: BookingEventRef,
  now: Date = new Date(),
  pools: number = DEFAULT_TENANT_POOLS,
): LifecycleInput {
  const policy = parsePolicy(tenant.policy);
  const plan = planTouches({
    timeZone: tenant.timeZone,
    policy,
    appointment,
    now: now.toISOString(),
    revision: 0,
    includeBookingConfirmation: true,
  });
  return {
    version: LIFECYCLE_VERSION,
    tenantId: tenant.id,
    timeZone: tenant.timeZone,
    appointment,
    policy,
    bookingEventId: event.id,
    bookingOccurredAt: event.occurredAt,
    plan,
    projected: initialProjection(appointment, plan.touches, now.getTime()),
    cancelQuestionTtlMs: policy.cancelQuestionTtl ? Duration.fromISO(policy.cancelQuestionTtl).toMillis() : undefined,
    skillRoute: skillRoute({ id: tenant.id, executor: tenant.executor ?? 'dedicated' }, pools),
  };
}
