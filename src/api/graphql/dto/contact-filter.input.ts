// Which contacts a list shows: by opt-out status and a search on name or phone.
import { Field, InputType } from '@nestjs/graphql';
import { z } from 'zod';
import { ValidatedBy } from '../input-validation.pipe';

const contactFilterSchema = z.looseObject({ search: z.string().max(200, 'must be at most 200 characters').nullish() });

@InputType()
@ValidatedBy(contactFilterSchema)
export class ContactFilter {
  @Field(() => Boolean, { nullable: true })
  optedOut?: boolean | null;

  @Field(() => String, { nullable: true, description: 'Part of the name (any case) or of the phone number.' })
  search?: string | null;
}
