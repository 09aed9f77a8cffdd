// The clinic (tenant) as its own API key sees it: settings, policy, channels; its templates and
// keys are fields resolved on demand.
import { Field, Float, ID, Int, ObjectType } from '@nestjs/graphql';
import { Policy } from './policy.model';

@ObjectType({ description: "The clinic's Twilio senders (never its credentials)." })
export class TwilioSender {
  @Field(() => String, { nullable: true })
  messagingServiceSid!: string | null;

  @Field(() => String, { nullable: true, description: 'SMS number, E.164.' })
  from!: string | null;

  @Field(() => String, { nullable: true, description: 'WhatsApp sender, E.164.' })
  whatsappFrom!: string | null;
}

@ObjectType()
export class Channels {
  @Field({ description: 'Messaging provider: dev (stored, not sent) or twilio.' })
  provider!: string;

  @Field(() => TwilioSender, { nullable: true })
  twilio!: TwilioSender | null;

  @Field(() => Float, { nullable: true, description: "The clinic's send rate (messages a second), enforced by Temporal." })
  maxMessagesPerSecond!: number | null;
}

@ObjectType({ description: 'A clinic.' })
export class Tenant {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field({ description: 'IANA time zone, e.g. Europe/Madrid.' })
  timeZone!: string;

  @Field({ description: 'Language of patients with none of their own, e.g. en, es, pt-BR.' })
  defaultLocale!: string;

  @Field({ description: 'individual, business or enterprise: sets the monthly message allowance.' })
  plan!: string;

  @Field(() => Int)
  policyVersion!: number;

  @Field(() => Policy)
  policy!: Policy;

  @Field(() => Channels)
  channels!: Channels;

  @Field()
  createdAt!: Date;
}
