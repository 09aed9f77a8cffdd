// An appointment as the clinic's UI sees it: a summary in lists (from the projection) and the full
// record, with timeline and messages, for one appointment (live from its workflow).
import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import type { AppointmentStatus, Channel, TouchKind } from '../../../workflows/contracts';
import { Connection } from './connection.model';
import { AppointmentSourceValue, AppointmentStatusValue, ChannelValue, MessageDirectionValue, TouchKindValue } from './enums';

@ObjectType({ description: 'The patient of an appointment. The phone is masked unless asked for with `phone(reveal: true)`.' })
export class Patient {
  @Field()
  name!: string;

  /** E.164; its field resolver masks it. */
  phone!: string;

  @Field(() => String, { nullable: true })
  locale!: string | null;
}

@ObjectType({ description: 'The next thing the lifecycle will do on its own: a message or a check.' })
export class NextTouch {
  @Field()
  at!: Date;

  @Field(() => TouchKindValue)
  kind!: TouchKind;

  @Field(() => String, { nullable: true, description: 'The template a message touch sends.' })
  template!: string | null;
}

@ObjectType()
export class TimelineEntry {
  @Field()
  at!: Date;

  @Field({ description: 'What happened, e.g. appointment.confirmed, touch.skipped, reminder.resent.' })
  kind!: string;

  @Field(() => String, { nullable: true })
  detail!: string | null;
}

@ObjectType()
export class AppointmentMessage {
  @Field()
  at!: Date;

  @Field(() => MessageDirectionValue)
  direction!: 'outbound' | 'inbound';

  @Field(() => ChannelValue)
  channel!: Channel;

  @Field()
  body!: string;

  @Field({ description: 'Delivery status: pending, queued, sent, delivered, read, failed, undelivered; received for replies.' })
  status!: string;

  @Field(() => String, { nullable: true, description: 'The template an outbound message was written from; staff_message for staff\'s own words.' })
  kind!: string | null;

  @Field(() => String, { nullable: true, description: "The provider's error code when it could not deliver the message (e.g. Twilio's 30003)." })
  errorCode!: string | null;

  @Field(() => String, {
    nullable: true,
    description: "The provider's id of the message (Twilio's SM…); a reply's is the id its attention reason names (reply:<id>).",
  })
  providerMessageId!: string | null;
}

@ObjectType({ description: 'An appointment in a list, read from the database projection of its workflow.' })
export class AppointmentSummary {
  @Field(() => ID, { description: "The booking system's id of the appointment." })
  externalId!: string;

  @Field(() => AppointmentStatusValue)
  status!: AppointmentStatus;

  @Field({ description: 'Someone at the clinic should look: an unanswerable reply, a failed delivery, no confirmation near the start.' })
  needsAttention!: boolean;

  @Field(() => [String], {
    description:
      'Why it needs attention: unconfirmed, reschedule_requested, reply:<message id> (a reply for a person; reply:more past twenty), ' +
      'delivery_failed:<template>, plan_limit:<template>, planning_failed, cancel_keyword. Empty when nothing does.',
  })
  attentionReasons!: string[];

  @Field()
  startsAt!: Date;

  @Field(() => Patient)
  patient!: Patient;

  @Field(() => String, { nullable: true })
  provider!: string | null;

  @Field(() => String, { nullable: true })
  location!: string | null;

  @Field(() => NextTouch, { nullable: true })
  nextTouch!: NextTouch | null;
}

@ObjectType({ description: 'One appointment in full.' })
export class Appointment extends AppointmentSummary {
  @Field(() => Int, { nullable: true, description: 'Unknown (null) when read from the projection.' })
  durationMinutes!: number | null;

  @Field(() => [TimelineEntry], { description: 'From the workflow when live; from the audit log once closed.' })
  timeline!: TimelineEntry[];

  @Field(() => [AppointmentMessage])
  messages!: AppointmentMessage[];

  @Field(() => AppointmentSourceValue)
  source!: AppointmentSourceValue;

  @Field(() => Int, { description: 'Increases with every change the workflow records.' })
  revision!: number;
}

@ObjectType()
export class AppointmentConnection extends Connection(AppointmentSummary) {}
