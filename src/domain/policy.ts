// The reminder policy: its validation schema (shape and meaning) and the defaults every new tenant starts with.
import { Duration } from 'luxon';
import { z } from 'zod';
import {
  DEFAULT_AUTO_REPLY_LIMIT,
  DEFAULT_CANCEL_QUESTION_TTL,
  DEFAULT_REPLY_CONFIDENCE_THRESHOLD,
  type Policy,
} from '../workflows/contracts';
import { TEMPLATE_KIND, TEMPLATE_KIND_HINT } from './default-templates';
import { unstorableTextProblem } from './storable-text';

/**
 * An ISO-8601 duration that is positive and at most `max` (also ISO-8601): every duration in a
 * policy is an offset from the visit in one direction, so zero or a negative one would put a
 * "please confirm" after the visit, and a huge one a reminder before the booking existed.
 */
function offset(max: string) {
  const maxMs = Duration.fromISO(max).as('milliseconds');
  return z.string().superRefine((v, ctx) => {
    const problem = unstorableTextProblem(v);
    if (problem) return ctx.addIssue({ code: 'custom', message: problem });
    const duration = Duration.fromISO(v);
    if (!duration.isValid) return ctx.addIssue({ code: 'custom', message: 'must be an ISO-8601 duration such as P2D or PT2H' });
    const ms = duration.as('milliseconds');
    if (!(ms > 0)) ctx.addIssue({ code: 'custom', message: 'must be a positive duration' });
    else if (ms > maxMs) ctx.addIssue({ code: 'custom', message: `must be at most ${max}` });
  });
}
const channel = z.enum(['sms', 'whatsapp']);
const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (24-hour)');
const status = z.enum([
  'scheduled',
  'awaiting_confirmation',
  'confirmed',
  'reschedule_requested',
  'cancelled',
  'completed',
  'no_show',
]);

/** Reminders, notices and reschedule links go to patients' phones: the page they open must be https. */
const MAX_URL_LENGTH = 2000;
const httpsUrl = z.string().superRefine((v, ctx) => {
  const problem = unstorableTextProblem(v);
  if (problem) return ctx.addIssue({ code: 'custom', message: problem });
  if (v.length > MAX_URL_LENGTH) return ctx.addIssue({ code: 'custom', message: `must be at most ${MAX_URL_LENGTH} characters` });
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    return ctx.addIssue({ code: 'custom', message: 'must be an absolute https URL, e.g. https://booking.example/reschedule' });
  }
  if (url.protocol !== 'https:') ctx.addIssue({ code: 'custom', message: 'must be an https URL' });
  else if (url.username || url.password) ctx.addIssue({ code: 'custom', message: 'must not carry a user name or password' });
});

/** More touches than this is no longer a reminder schedule. */
const MAX_REMINDERS = 10;
/** A cap above this caps nothing a clinic would send to one patient. */
const MAX_CAP = 100;
const cap = z.number().int('must be a whole number').min(0, 'must be at least 0').max(MAX_CAP, `must be at most ${MAX_CAP}`);

export const policySchema = z.object({
  version: z.number().int().min(1),
  bookingConfirmation: z.object({ enabled: z.boolean(), channel }),
  reminders: z
    .array(
      z.object({
        before: offset('P90D'),
        channel,
        template: z.string().regex(TEMPLATE_KIND, TEMPLATE_KIND_HINT),
        asksConfirmation: z.boolean().optional(),
        onlyIf: z.array(status).max(status.options.length).optional(),
      }),
    )
    .max(MAX_REMINDERS, `must have at most ${MAX_REMINDERS} reminders`),
  quietHours: z.object({ start: clock, end: clock }).nullable(),
  confirmationDeadline: offset('P90D').nullable(),
  reviewRequest: z.object({ after: offset('P90D'), channel }).nullable(),
  rebookMessage: z.object({ after: offset('P90D'), channel }).nullable(),
  attendanceWindow: offset('P30D'),
  cancelKeyword: z.enum(['opt_out_and_ask', 'cancel_appointment']),
  // Below 0.5 a reply would be acted on when the classifier leans towards it no more than against it.
  replyConfidenceThreshold: z.number().min(0.5, 'must be between 0.5 and 1').max(1, 'must be between 0.5 and 1').optional(),
  rescheduleLinkTtl: offset('P30D'),
  rescheduleUrl: httpsUrl.nullable(),
  frequencyCap: z
    .object({ perDay: cap, perWeek: cap })
    .refine((c) => c.perDay <= c.perWeek, { message: 'perDay must not exceed perWeek', path: ['perDay'] }),
  fallbackToSms: z.boolean(),
  // WhatsApp's session window is a day: a message still undelivered then will not be read in time.
  whatsappDeliveryWindow: offset('P1D').nullable().optional(),
  // More than a few automatic answers a day is a conversation with a machine, not a courtesy.
  autoReplyLimit: z.number().int().min(0).max(10).optional(),
  confirmCancelByReply: z.boolean().optional(),
  cancelQuestionTtl: offset('P7D').optional(),
}) satisfies z.ZodType<Policy>;

/** The defaults of docs/contracts.md ("Policy defaults"). */
export function defaultPolicy(): Policy {
  return {
    version: 1,
    bookingConfirmation: { enabled: true, channel: 'sms' },
    reminders: [
      { before: 'P2D', channel: 'sms', template: 'reminder_confirm', asksConfirmation: true },
      {
        before: 'PT2H',
        channel: 'sms',
        template: 'reminder_final',
        onlyIf: ['scheduled', 'awaiting_confirmation', 'confirmed'],
      },
    ],
    quietHours: { start: '21:00', end: '08:00' },
    confirmationDeadline: 'PT24H',
    reviewRequest: { after: 'PT2H', channel: 'sms' },
    rebookMessage: { after: 'PT1H', channel: 'sms' },
    attendanceWindow: 'P1D',
    cancelKeyword: 'opt_out_and_ask',
    replyConfidenceThreshold: DEFAULT_REPLY_CONFIDENCE_THRESHOLD,
    rescheduleLinkTtl: 'P2D',
    rescheduleUrl: null,
    frequencyCap: { perDay: 1, perWeek: 3 },
    fallbackToSms: true,
    whatsappDeliveryWindow: 'PT30M',
    autoReplyLimit: DEFAULT_AUTO_REPLY_LIMIT,
    confirmCancelByReply: true,
    cancelQuestionTtl: DEFAULT_CANCEL_QUESTION_TTL,
  };
}

/** Validates a stored or submitted policy; the error names each bad field. */
export function parsePolicy(value: unknown): Policy {
  const parsed = policySchema.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `policy.${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid policy: ${problems}`);
  }
  return parsed.data;
}
