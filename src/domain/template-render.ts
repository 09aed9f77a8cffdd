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

const PLACEHOLDER = /\{\{\s*([a-zA-Z_]+)\s*\}\}/g;

/**
 * Why a template's text is not made of plain text and {{variable}} placeholders, or undefined.
 * Anything else in braces ({{name.constructor}}, {{#each}}) would otherwise reach patients as is.
 */
export function placeholderSyntaxProblem(body: string): string | undefined {
  const leftover = body.replace(PLACEHOLDER, '');
  const stray = /\{\{[^}]*\}?\}?|\}\}/.exec(leftover);
  return stray ? `${JSON.stringify(stray[0].slice(0, 40))} is not a {{variable}} placeholder (letters and _ only)` : undefined;
}

export function renderTemplate(body: string, variables: Record<string, string>): string {
  return body.replace(PLACEHOLDER, (_, name: string) => {
    // Own properties only: `in` would take {{constructor}} or {{__proto__}} from Object.prototype.
    if (!Object.hasOwn(variables, name)) throw new UnknownTemplateVariableError(name);
    return variables[name];
  });
}
