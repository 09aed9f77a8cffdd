// A message template and a rendered preview of one, as patients would read it.
import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import type { Channel } from '../../../workflows/contracts';
import { ChannelValue } from './enums';

@ObjectType({ description: 'The text of one kind of message, per language and channel, with {{variables}}.' })
export class Template {
  @Field(() => ID)
  id!: string;

  @Field({ description: 'e.g. booking_confirmation, reminder_confirm, reminder_final, cancelled_notice.' })
  kind!: string;

  @Field()
  locale!: string;

  @Field(() => ChannelValue)
  channel!: Channel;

  @Field()
  body!: string;

  @Field()
  updatedAt!: Date;
}

@ObjectType()
export class TemplateVariable {
  @Field()
  name!: string;

  @Field()
  value!: string;
}

@ObjectType()
export class TemplatePreview {
  @Field({ description: 'The text a patient would receive for the sample appointment.' })
  body!: string;

  @Field(() => Int, { description: 'Billable SMS segments of that text.' })
  segments!: number;

  @Field(() => [TemplateVariable], { description: 'The variables a template may use, with their sample values.' })
  variables!: TemplateVariable[];
}
