// Field validators shared by the endpoints, with messages that tell the sender how to fix the value.
import { z } from 'zod';
import { unstorableTextProblem } from '../../domain/storable-text';

const E164 = /^\+[1-9]\d{6,14}$/;
const E164_HINT = 'must be E.164, e.g. +14155550123';

/** zod's own message for a missing field names a type; "is required" is what the sender needs to read. */
function required(otherwise: string) {
  return (issue: { input: unknown }) => (issue.input === undefined ? 'is required' : otherwise);
}

/** Refuses text PostgreSQL cannot store (a NUL, a lone surrogate), naming the field like any other rule. */
export function storable(value: string, ctx: z.RefinementCtx): void {
  const problem = unstorableTextProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
}

export function text(maxLength: number) {
  return z
    .string({ error: required('must be a string') })
    .min(1, 'must not be empty')
    .max(maxLength, `must be at most ${maxLength} characters`)
    .superRefine(storable);
}

/** Text that names something (a patient, an id): a value of spaces alone names nothing. */
export function name(maxLength: number) {
  return text(maxLength).refine((v) => v.length === 0 || v.trim().length > 0, 'must not be blank');
}

export const e164Phone = z.string({ error: required(E164_HINT) }).regex(E164, E164_HINT);

/** A local time alone is ambiguous across time zones, so the offset (or Z) is mandatory. */
export const instantWithOffset = z.iso.datetime({
  offset: true,
  error: required('must be an ISO-8601 date-time with an offset, e.g. 2025-03-14T09:30:00-07:00'),
});

export function requiredObject<T extends z.ZodRawShape>(shape: T) {
  return z.object(shape, { error: required('must be an object') });
}

export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: required(`must be one of ${values.join(', ')}`) });
}
