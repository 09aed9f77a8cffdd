// Asks a tenant's LLM what a patient's reply means: a fixed instruction, the minimised reply, and a
// strict JSON answer ({intent, confidence}) checked against its schema before it is used.
import { z } from 'zod';
import type { ReplyIntent } from '../workflows/contracts';
import { ChatFailure, chatCompletion, type ChatEndpoint } from './chat-completions';

const INTENTS = ['confirm', 'cancel', 'reschedule', 'opt_out', 'opt_in', 'help', 'question', 'unknown'] as const satisfies readonly ReplyIntent[];

const ANSWER_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['intent', 'confidence'],
  properties: {
    intent: { type: 'string', enum: INTENTS },
    confidence: { type: 'number', minimum: 0, maximum: 1 },
  },
};
const answerSchema = z.object({ intent: z.enum(INTENTS), confidence: z.number().min(0).max(1) }).strict();
export type LlmReading = z.infer<typeof answerSchema>;

const INSTRUCTION = [
  'You read SMS replies that patients send to a clinic after an appointment reminder',
  '("Reply YES to confirm, NO to cancel or R to reschedule"). Replies may be in any language.',
  'Answer with JSON only: {"intent": ..., "confidence": 0..1}. Intents:',
  'confirm (the patient will come), cancel (will not come, no new time wanted),',
  'reschedule (wants another day or time), opt_out (wants no more messages),',
  'opt_in (wants messages again), help (asks for the help text or options),',
  'question (asks something staff must answer), unknown (anything else, or undecided).',
  'If the patient is undecided or the reply is ambiguous, answer unknown with a low confidence.',
].join(' ');

export async function askLlmForIntent(endpoint: ChatEndpoint, minimisedReply: string, locale?: string): Promise<LlmReading> {
  const answer = await chatCompletion(
    endpoint,
    [
      { role: 'system', content: INSTRUCTION },
      { role: 'user', content: JSON.stringify({ reply: minimisedReply, patientLocale: locale ?? null }) },
    ],
    { name: 'reply_intent', schema: ANSWER_SCHEMA },
  );
  const checked = answerSchema.safeParse(answer);
  if (!checked.success) throw new ChatFailure('invalid_answer', `the answer breaks the schema: ${checked.error.issues[0]?.message}`);
  return checked.data;
}
