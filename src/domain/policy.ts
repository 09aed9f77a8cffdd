// The reminder policy: its validation schema and the defaults every new tenant starts with.
import { Duration } from 'luxon';
import { z } from 'zod';
import {
  DEFAULT_AUTO_REPLY_LIMIT,
  DEFAULT_CANCEL_QUESTION_TTL,
  DEFAULT_REPLY_CONFIDENCE_THRESHOLD,
  type Policy,
} from '../workflows/contracts';

const isoDuration = z
  .string()
  .refine((v) => Duration.fromISO(v).isValid, { message: 'must be an ISO-8601 duration such as P2D or PT2H' });
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

export const policySchema = z.object({
  version: z.number().int().min(1),
  bookingConfirmation: z.object({ enabled: z.boolean(), channel }),
  reminders: z.array(
    z.object({
      before: isoDuration,
      channel,
      template: z.string().min(1),
      asksConfirmation: z.boolean().optional(),
      onlyIf: z.array(status).optional(),
    }),
  ),
  quietHours: z.object({ start: clock, end: clock }).nullable(),
  confirmationDeadline: isoDuration.nullable(),
  reviewRequest: z.object({ after: isoDuration, channel }).nullable(),
  rebookMessage: z.object({ after: isoDuration, channel }).nullable(),
  attendanceWindow: isoDuration,
  cancelKeyword: z.enum(['opt_out_and_ask', 'cancel_appointment']),
  // Below 0.5 a reply would be acted on when the classifier leans towards it no more than against it.
  replyConfidenceThreshold: z.number().min(0.5, 'must be between 0.5 and 1').max(1, 'must be between 0.5 and 1').optional(),
  rescheduleLinkTtl: isoDuration,
  rescheduleUrl: z.string().url().nullable(),
  frequencyCap: z.object({ perDay: z.number().int().min(0), perWeek: z.number().int().min(0) }),
  fallbackToSms: z.boolean(),
  whatsappDeliveryWindow: isoDuration.nullable().optional(),
  autoReplyLimit: z.number().int().min(0).max(10).optional(),
  confirmCancelByReply: z.boolean().optional(),
  cancelQuestionTtl: isoDuration.optional(),
}) satisfies z.ZodType<Policy>;

/** DESIGN §3 defaults. */
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
