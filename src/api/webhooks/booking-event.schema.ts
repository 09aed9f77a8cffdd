// The booking system's webhook event (DESIGN §4), as ARO accepts it.
import { z } from 'zod';
import { e164Phone, instantWithOffset, oneOf, requiredObject, text } from '../http/payload-fields';

export const BOOKING_EVENT_TYPES = [
  'appointment.created',
  'appointment.updated',
  'appointment.cancelled',
  'appointment.checked_in',
  'appointment.no_show',
] as const;

/** Longest appointment a booking may describe: a full day. */
const MAX_DURATION_MINUTES = 24 * 60;

export const bookingEventSchema = requiredObject({
  id: text(200),
  type: oneOf(BOOKING_EVENT_TYPES),
  occurredAt: instantWithOffset,
  appointment: requiredObject({
    // Part of the workflow id, which Temporal caps at 1000 bytes.
    externalId: text(200),
    startsAt: instantWithOffset,
    durationMinutes: z
      .number({ error: 'must be a whole number of minutes' })
      .int('must be a whole number of minutes')
      .min(1, 'must be at least 1')
      .max(MAX_DURATION_MINUTES, `must be at most ${MAX_DURATION_MINUTES}`)
      .optional(),
    patient: requiredObject({
      name: text(200),
      phone: e164Phone,
      locale: text(35).optional(),
    }),
    provider: text(200).optional(),
    location: text(500).optional(),
  }),
});

export type BookingEvent = z.output<typeof bookingEventSchema>;
export type BookedAppointment = BookingEvent['appointment'];
