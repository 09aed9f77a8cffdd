// A template to store, and what to render in a preview: each with the one schema that checks it.
// (Whether every {{variable}} exists depends on the clinic's policy, so the service checks that by
// rendering, exactly as messaging.send will.)
import { Field, InputType, Int } from '@nestjs/graphql';
import { z } from 'zod';
import { TEMPLATE_KIND, TEMPLATE_KIND_HINT } from '../../../domain/default-templates';
import { placeholderSyntaxProblem } from '../../../domain/template-render';
import { isLocale } from '../../../tenants/create-tenant';
import { storable } from '../../http/payload-fields';
import type { Channel } from '../../../workflows/contracts';
import { ValidatedBy } from '../input-validation.pipe';
import { ChannelValue } from '../models/enums';

/** Ten SMS segments: longer texts cost more than any reminder is worth. */
const MAX_BODY_LENGTH = 1600;
/** A day: the longest appointment a booking may describe. */
const MAX_DURATION_MINUTES = 24 * 60;

const kind = z.string().regex(TEMPLATE_KIND, TEMPLATE_KIND_HINT);
const locale = z.string().refine(isLocale, 'must be a locale such as en, es or pt-BR');
const body = z
  .string()
  .min(1, 'must not be empty')
  .max(MAX_BODY_LENGTH, `must be at most ${MAX_BODY_LENGTH} characters`)
  .superRefine(storable)
  .superRefine((text, ctx) => {
    const problem = placeholderSyntaxProblem(text);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
const sampleText = (max: number) => z.string().max(max, `must be at most ${max} characters`).superRefine(storable).nullish();

export const templateInputSchema = z.looseObject({ kind, locale, body });

export const templatePreviewInputSchema = z.looseObject({
  kind,
  locale: locale.nullish(),
  body: body.nullish(),
  sample: z
    .looseObject({
      patientName: sampleText(200),
      provider: sampleText(200),
      location: sampleText(500),
      durationMinutes: z.number().int().min(1, 'must be at least 1').max(MAX_DURATION_MINUTES, `must be at most ${MAX_DURATION_MINUTES}`).nullish(),
    })
    .nullish(),
});

@InputType({ description: 'Creates the template, or replaces the body of the one with this kind, locale and channel.' })
@ValidatedBy(templateInputSchema)
export class TemplateInput {
  @Field()
  kind!: string;

  @Field({ description: 'e.g. en, es, pt-BR.' })
  locale!: string;

  @Field(() => ChannelValue)
  channel!: Channel;

  @Field({ description: 'Text with {{variables}}: name, clinic, date, time, provider, location, link.' })
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
@ValidatedBy(templatePreviewInputSchema)
export class TemplatePreviewInput {
  @Field({ description: 'The template kind; with no body, the stored text of this kind is rendered.' })
  kind!: string;

  @Field(() => String, { nullable: true, description: "Default: the clinic's default locale." })
  locale?: string | null;

  @Field(() => ChannelValue, { nullable: true, defaultValue: ChannelValue.SMS })
  channel?: Channel | null;

  @Field(() => String, { nullable: true, description: 'A draft text to render instead of the stored one.' })
  body?: string | null;

  @Field(() => PreviewSampleInput, { nullable: true })
  sample?: PreviewSampleInput | null;
}
