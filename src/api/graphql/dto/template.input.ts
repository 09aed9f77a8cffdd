// A template to store, and what to render in a preview.
import { Field, InputType, Int } from '@nestjs/graphql';
import { IsOptional, Matches, MaxLength, MinLength } from 'class-validator';
import type { Channel } from '../../../workflows/contracts';
import { ChannelValue } from '../models/enums';

const TEMPLATE_KIND = /^[a-z][a-z0-9_]{0,63}$/;
const KIND_HINT = 'must be lowercase letters, digits and _, e.g. reminder_confirm';
/** Ten SMS segments: longer texts cost more than any reminder is worth. */
const MAX_BODY_LENGTH = 1600;

@InputType({ description: 'Creates the template, or replaces the body of the one with this kind, locale and channel.' })
export class TemplateInput {
  @Field()
  @Matches(TEMPLATE_KIND, { message: KIND_HINT })
  kind!: string;

  @Field({ description: 'e.g. en, es, pt-BR.' })
  locale!: string;

  @Field(() => ChannelValue)
  channel!: Channel;

  @Field({ description: 'Text with {{variables}}: name, clinic, date, time, provider, location, link.' })
  @MinLength(1, { message: 'must not be empty' })
  @MaxLength(MAX_BODY_LENGTH, { message: `must be at most ${MAX_BODY_LENGTH} characters` })
  body!: string;
}

@InputType({ description: 'The appointment a preview is rendered for; a sample one where left out.' })
export class PreviewSampleInput {
  @Field(() => String, { nullable: true })
  patientName?: string | null;

  @Field(() => Date, { nullable: true })
  startsAt?: Date | null;

  @Field(() => String, { nullable: true })
  provider?: string | null;

  @Field(() => String, { nullable: true })
  location?: string | null;

  @Field(() => Int, { nullable: true })
  durationMinutes?: number | null;
}

@InputType({ description: "A stored template (by kind, locale and channel) or a draft body, rendered as a patient would read it." })
export class TemplatePreviewInput {
  @Field({ description: 'The template kind; with no body, the stored text of this kind is rendered.' })
  @Matches(TEMPLATE_KIND, { message: KIND_HINT })
  kind!: string;

  @Field(() => String, { nullable: true, description: "Default: the clinic's default locale." })
  locale?: string | null;

  @Field(() => ChannelValue, { nullable: true, defaultValue: ChannelValue.SMS })
  channel?: Channel | null;

  @Field(() => String, { nullable: true, description: 'A draft text to render instead of the stored one.' })
  @IsOptional()
  @MaxLength(MAX_BODY_LENGTH, { message: `must be at most ${MAX_BODY_LENGTH} characters` })
  body?: string | null;

  @Field(() => PreviewSampleInput, { nullable: true })
  sample?: PreviewSampleInput | null;
}
