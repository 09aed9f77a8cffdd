// Turns a tenant and a booked appointment into the plain data an appointment workflow starts from.
// Done here, outside the workflow, because it reads the tenant's stored policy and parses dates.
import { parsePolicy } from '../../domain/policy';
import type { Tenant } from '../../generated/prisma/client';
import type { AppointmentDetails, LifecycleInput } from '../../workflows/contracts';
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

export function lifecycleInput(tenant: Tenant, appointment: AppointmentDetails, bookingEventId: string): LifecycleInput {
  return {
    tenantId: tenant.id,
    timeZone: tenant.timeZone,
    appointment,
    policy: parsePolicy(tenant.policy),
    bookingEventId,
  };
}
