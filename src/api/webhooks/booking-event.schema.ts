// The booking system's webhook event (docs/contracts.md), as ARO accepts it: its shape, and what its values
// must mean — text PostgreSQL can store, a visit within the booking horizon, a positive length.
import { z } from 'zod';
import { e164Phone, instantWithOffset, name, oneOf, requiredObject, text } from '../http/payload-fields';

export const BOOKING_EVENT_TYPES = [
  'appointment.created',
  'appointment.updated',
  'appointment.cancelled',
  'appointment.checked_in',
  'appointment.no_show',
] as const;

/** Longest appointment a booking may describe: a full day. */
const MAX_DURATION_MINUTES = 24 * 60;

/**
 * How late a booking may arrive for a visit that has started: a walk-in booked on the spot, or a
 * delivery retried for a few minutes. Beyond it nothing could be sent in time, and the lifecycle
 * would end the moment it began.
 */
export const BOOKING_PAST_TOLERANCE_MINUTES = 15;

/** What "now" and "too far ahead" are for one schema: the clock (tests fix it) and ARO_BOOKING_HORIZON_DAYS. */
export interface BookingWindow {
  horizonDays: number;
  now?: () => Date;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** A patient's name greets them in every message: it must hold a letter, not only spaces or invisible marks. */
const patientName = name(200).refine((v) => v.length === 0 || /[\p{L}\p{N}]/u.test(v), 'must contain a letter');

/** A BCP 47 language tag (en, es, pt-BR): anything else makes date formatting throw when a message is rendered. */
const locale = text(35).refine((v) => {
  try {
    return Intl.getCanonicalLocales(v).length === 1;
  } catch {
    return false;
  }
}, 'must be a language tag such as en, es or pt-BR');

/** An instant no further ahead than the horizon (nor, for occurredAt, further back). */
function boundedInstant({ horizonDays, now = () => new Date() }: BookingWindow, { pastToo }: { pastToo: boolean }) {
  return instantWithOffset.superRefine((value, ctx) => {
    const at = Date.parse(value);
    if (Number.isNaN(at)) return;
    const reach = horizonDays * DAY_MS;
    const current = now().getTime();
    if (at > current + reach) ctx.addIssue({ code: 'custom', message: `must be at most ${horizonDays} days ahead (ARO_BOOKING_HORIZON_DAYS)` });
    if (pastToo && at < current - reach) ctx.addIssue({ code: 'custom', message: `must be at most ${horizonDays} days ago` });
  });
}

function appointmentShape(window: BookingWindow) {
  return requiredObject({
    // Part of the workflow id, which Temporal caps at 1000 bytes.
    externalId: name(200),
    startsAt: boundedInstant(window, { pastToo: false }),
    durationMinutes: z
      .number({ error: 'must be a whole number of minutes' })
      .int('must be a whole number of minutes')
      .min(1, 'must be at least 1')
      .max(MAX_DURATION_MINUTES, `must be at most ${MAX_DURATION_MINUTES}`)
      .optional(),
    patient: requiredObject({
      name: patientName,
      phone: e164Phone,
      locale: locale.optional(),
    }),
    provider: text(200).optional(),
    location: text(500).optional(),
  });
}

/** A new appointment's visit has not long begun; `path` leads to its startsAt. */
function notLongPast({ now = () => new Date() }: BookingWindow, startsAt: unknown, path: string[], ctx: z.RefinementCtx): void {
  const at = typeof startsAt === 'string' ? Date.parse(startsAt) : NaN;
  if (at < now().getTime() - BOOKING_PAST_TOLERANCE_MINUTES * 60_000) {
    ctx.addIssue({ code: 'custom', path, message: `must not be more than ${BOOKING_PAST_TOLERANCE_MINUTES} minutes in the past for a new appointment` });
  }
}

export function bookingEventSchema(window: BookingWindow) {
  return requiredObject({
    id: name(200),
    type: oneOf(BOOKING_EVENT_TYPES),
    occurredAt: boundedInstant(window, { pastToo: true }),
    appointment: appointmentShape(window),
  }).superRefine((event, ctx) => {
    if (event.type === 'appointment.created') notLongPast(window, event.appointment?.startsAt, ['appointment', 'startsAt'], ctx);
  });
}

/** An appointment booked in ARO itself (GraphQL createAppointment): the webhook's rules for a new one. */
export function newAppointmentSchema(window: BookingWindow) {
  return appointmentShape(window).superRefine((appointment, ctx) => notLongPast(window, appointment?.startsAt, ['startsAt'], ctx));
}

export type BookingEvent = z.output<ReturnType<typeof bookingEventSchema>>;
export type BookedAppointment = BookingEvent['appointment'];
