// Checks resolver arguments against their DTO's class-validator rules, answering BAD_USER_INPUT with
// each bad field by its path (e.g. `input.kind`, `first`).
import { Injectable, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate, type ValidationError } from 'class-validator';
import type { FieldError } from '../http/invalid-payload';
import { invalidInput } from './clinic-errors';

const PLAIN_TYPES: unknown[] = [String, Number, Boolean, Array, Object, Date];

@Injectable()
export class InputValidationPipe implements PipeTransform {
  async transform(value: unknown, { metatype, data }: ArgumentMetadata): Promise<unknown> {
    if (!metatype || PLAIN_TYPES.includes(metatype) || value === null || typeof value !== 'object') return value;
    const instance = plainToInstance(metatype, value) as object;
    const errors = await validate(instance, { forbidUnknownValues: false });
    if (errors.length > 0) throw invalidInput(errors.flatMap((e) => fieldErrors(e, data ? [data] : [])));
    return instance;
  }
}

function fieldErrors(error: ValidationError, parent: string[]): FieldError[] {
  const path = [...parent, error.property];
  const own = Object.values(error.constraints ?? {}).map((message) => ({ field: path.join('.'), message }));
  return [...own, ...(error.children ?? []).flatMap((child) => fieldErrors(child, path))];
}
