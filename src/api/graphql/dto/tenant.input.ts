// What the operator gives for a new clinic, and what a clinic may change of its own settings.
import { Field, Float, InputType } from '@nestjs/graphql';

@InputType()
export class CreateTenantInput {
  @Field()
  name!: string;

  @Field({ description: 'IANA time zone, e.g. Europe/Madrid.' })
  timeZone!: string;

  @Field(() => String, { nullable: true, description: 'Default en.' })
  defaultLocale?: string | null;
}

@InputType({ description: "The clinic's Twilio senders. Credentials are set by the operator (aro tenant twilio)." })
export class TwilioSenderInput {
  @Field(() => String, { nullable: true })
  messagingServiceSid?: string | null;

  @Field(() => String, { nullable: true })
  from?: string | null;

  @Field(() => String, { nullable: true })
  whatsappFrom?: string | null;
}

@InputType()
export class ChannelsInput {
  @Field(() => String, { nullable: true, description: 'dev or twilio; twilio needs senders and stored credentials.' })
  provider?: string | null;

  @Field(() => TwilioSenderInput, { nullable: true })
  twilio?: TwilioSenderInput | null;

  @Field(() => Float, { nullable: true })
  maxMessagesPerSecond?: number | null;
}

@InputType({ description: 'Only the fields given change.' })
export class UpdateTenantInput {
  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => String, { nullable: true })
  timeZone?: string | null;

  @Field(() => String, { nullable: true })
  defaultLocale?: string | null;

  @Field(() => ChannelsInput, { nullable: true })
  channels?: ChannelsInput | null;
}
