// Which contacts a list shows: by opt-out status and a search on name or phone.
import { Field, InputType } from '@nestjs/graphql';
import { IsOptional, MaxLength } from 'class-validator';

@InputType()
export class ContactFilter {
  @Field(() => Boolean, { nullable: true })
  optedOut?: boolean | null;

  @Field(() => String, { nullable: true, description: 'Part of the name (any case) or of the phone number.' })
  @IsOptional()
  @MaxLength(200, { message: 'must be at most 200 characters' })
  search?: string | null;
}
