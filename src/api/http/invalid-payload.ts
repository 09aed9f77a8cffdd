// The 400 answer every ARO endpoint gives for a body it cannot accept: each bad field by its path.
import { BadRequestException } from '@nestjs/common';
import type { z } from 'zod';

export interface FieldError {
  field: string;
  message: string;
}

/** Parses `value` with `schema`, or throws a 400 naming every bad field (e.g. `appointment.patient.phone`). */
export function parsePayload<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const fields: FieldError[] = parsed.error.issues.map((issue) => ({
    field: issue.path.length > 0 ? issue.path.join('.') : '(body)',
    message: issue.message,
  }));
  return invalidPayload(fields);
}

export function invalidPayload(fields: FieldError[]): never {
  throw new BadRequestException({ error: 'invalid_payload', fields });
}
