// Renders a message template: {{variable}} placeholders filled from the appointment, in the
// patient's locale and the clinic's time zone. An unknown placeholder is an error, never a blank.
import { DateTime } from 'luxon';
import type { AppointmentDetails } from '../workflows/contracts';

export interface RenderContext {
  clinicName: string;
  timeZone: string;
  locale: string;
  appointment: AppointmentDetails;
  patientName: string;
  extra?: Record<string, string>;
}

export class UnknownTemplateVariableError extends Error {
  constructor(readonly variable: string) {
    super(`template uses unknown variable {{${variable}}}`);
  }
}

export function templateVariables(ctx: RenderContext): Record<string, string> {
  const at = DateTime.fromISO(ctx.appointment.startsAt, { zone: 'utc' }).setZone(ctx.timeZone).setLocale(ctx.locale);
  return {
    name: ctx.patientName.split(/\s+/)[0] ?? ctx.patientName,
    clinic: ctx.clinicName,
    date: at.toLocaleString({ weekday: 'long', day: 'numeric', month: 'long' }),
    time: at.toLocaleString(DateTime.TIME_SIMPLE),
    provider: ctx.appointment.provider ?? '',
    location: ctx.appointment.location ?? '',
    ...ctx.extra,
  };
}

export function renderTemplate(body: string, variables: Record<string, string>): string {
  return body.replace(/\{\{\s*([a-zA-Z_]+)\s*\}\}/g, (_, name: string) => {
    if (!(name in variables)) throw new UnknownTemplateVariableError(name);
    return variables[name];
  });
}
