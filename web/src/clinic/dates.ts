// Dates and times in the clinic's time zone (not the browser's): the front desk and the patient's
// messages must agree on when a visit is.
import { DateTime } from 'luxon';
import { useClinic } from './clinic';

export interface ClinicDates {
  zone: string;
  /** "Tue 3 Mar, 9:30 AM" */
  dateTime(iso: string): string;
  /** "9:30 AM" */
  time(iso: string): string;
  /** "Tuesday, 3 March 2026" */
  day(iso: string): string;
  /** "in 2 hours", "3 days ago" */
  relative(iso: string): string;
  /** Midnight at the start of this clinic day (yyyy-MM-dd), as an instant. */
  startOfDay(day: string): DateTime;
  today(): string;
}

export function clinicDates(zone: string): ClinicDates {
  const at = (iso: string) => DateTime.fromISO(iso, { zone });
  return {
    zone,
    dateTime: (iso) => at(iso).toLocaleString({ weekday: 'short', day: 'numeric', month: 'short', hour: 'numeric', minute: '2-digit' }),
    time: (iso) => at(iso).toLocaleString(DateTime.TIME_SIMPLE),
    day: (iso) => at(iso).toLocaleString({ weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }),
    relative: (iso) => at(iso).toRelative() ?? '',
    startOfDay: (day) => DateTime.fromISO(day, { zone }).startOf('day'),
    today: () => DateTime.now().setZone(zone).toISODate() ?? '',
  };
}

export function useClinicDates(): ClinicDates {
  return clinicDates(useClinic().timeZone);
}
