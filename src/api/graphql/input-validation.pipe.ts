// Checks every resolver argument before a resolver runs, answering BAD_USER_INPUT with each bad field
// by its path (e.g. `input.kind`, `first`): text PostgreSQL cannot store is refused in any argument,
// and an input class with a zod schema (declared beside it with @ValidatedBy) is held to that schema.
// Inputs whose rules need the clinic's settings or records (a policy, an appointment, tenant settings)
// are checked by the one schema their service applies.
import { Injectable, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';
import type { z } from 'zod';
import { findUnstorableText } from '../../domain/storable-text';
import type { FieldError } from '../http/invalid-payload';
import { invalidInput } from './clinic-errors';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- class constructors of any shape
const inputSchemas = new WeakMap<Function, z.ZodType>();

/** Declares the zod schema that checks an @InputType or @ArgsType class. */
export function ValidatedBy(schema: z.ZodType): ClassDecorator {
  return (target) => {
    inputSchemas.set(target, schema);
  };
}

function field(argument: string | undefined, path: readonly PropertyKey[]): string {
  return [...(argument ? [argument] : []), ...path.map(String)].join('.') || '(arguments)';
}

@Injectable()
export class InputValidationPipe implements PipeTransform {
  transform(value: unknown, { type, metatype, data }: ArgumentMetadata): unknown {
    // The caller (@ClinicKey, @OperatorKey) comes from the request's key, not from what was sent.
    if (type === 'custom') return value;
    const unstorable = findUnstorableText(value);
    if (unstorable) throw invalidInput([{ field: field(data, unstorable.path ? unstorable.path.split('.') : []), message: unstorable.problem }]);
    const schema = metatype ? inputSchemas.get(metatype) : undefined;
    if (!schema || value === null || value === undefined) return value;
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    const fields: FieldError[] = parsed.error.issues.map((issue) => ({ field: field(data, issue.path), message: issue.message }));
    throw invalidInput(fields);
  }
}
