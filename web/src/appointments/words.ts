// The front desk's words for ARO's codes: appointment states, next touches, delivery statuses.
import type { AppointmentStatus, TouchKind } from '../gql/graphql';

export const STATUS_WORDS: Record<AppointmentStatus, { label: string; color: string }> = {
  SCHEDULED: { label: 'Booked', color: 'blue' },
  AWAITING_CONFIRMATION: { label: 'Awaiting confirmation', color: 'yellow' },
  CONFIRMED: { label: 'Confirmed', color: 'teal' },
  RESCHEDULE_REQUESTED: { label: 'Wants another time', color: 'orange' },
  CANCELLED: { label: 'Cancelled', color: 'gray' },
  COMPLETED: { label: 'Attended', color: 'green' },
  NO_SHOW: { label: 'No-show', color: 'red' },
};

export const ALL_STATUSES = Object.keys(STATUS_WORDS) as AppointmentStatus[];

export const TOUCH_WORDS: Record<TouchKind, string> = {
  BOOKING_CONFIRMATION: 'Booking confirmation',
  REMINDER: 'Reminder',
  CONFIRMATION_DEADLINE: 'Confirmation deadline',
  DELIVERY_CHECK: 'Delivery check',
  ATTENDANCE_WINDOW: 'Attendance check',
  REVIEW_REQUEST: 'Review request',
  REBOOK: 'Rebooking message',
};
