// The reminder policy as the clinic reads it back: the same fields as src/domain/policy.ts.
import { Field, Int, ObjectType } from '@nestjs/graphql';
import type { AppointmentStatus, CancelKeywordPolicy, Channel } from '../../../workflows/contracts';
import { AppointmentStatusValue, CancelKeywordValue, ChannelValue } from './enums';

@ObjectType()
export class BookingConfirmation {
  @Field()
  enabled!: boolean;

  @Field(() => ChannelValue)
  channel!: Channel;
}

@ObjectType({ description: 'One reminder: a template sent a while before the start.' })
export class ReminderTouch {
  @Field({ description: 'ISO-8601 duration before the start, e.g. P2D, PT2H.' })
  before!: string;

  @Field(() => ChannelValue)
  channel!: Channel;

  @Field({ description: 'Template kind to send.' })
  template!: string;

  @Field({ description: 'Whether it asks the patient to confirm.' })
  asksConfirmation!: boolean;

  @Field(() => [AppointmentStatusValue], { nullable: true, description: 'Sent only in these states; null: any open state.' })
  onlyIf!: AppointmentStatus[] | null;
}

@ObjectType({ description: "Local clock times in the clinic's time zone between which routine messages wait." })
export class QuietHours {
  @Field({ description: 'HH:MM' })
  start!: string;

  @Field({ description: 'HH:MM' })
  end!: string;
}

@ObjectType({ description: 'A message sent a while after the visit (review request) or the missed visit (rebook).' })
export class FollowUp {
  @Field({ description: 'ISO-8601 duration after the visit.' })
  after!: string;

  @Field(() => ChannelValue)
  channel!: Channel;
}

@ObjectType({ description: 'At most this many routine messages per patient; cancellations and time changes always go.' })
export class FrequencyCap {
  @Field(() => Int)
  perDay!: number;

  @Field(() => Int)
  perWeek!: number;
}

@ObjectType({ description: "The clinic's reminder policy. Appointments keep the version they started with." })
export class Policy {
  @Field(() => Int)
  version!: number;

  @Field(() => BookingConfirmation)
  bookingConfirmation!: BookingConfirmation;

  @Field(() => [ReminderTouch])
  reminders!: ReminderTouch[];

  @Field(() => QuietHours, { nullable: true })
  quietHours!: QuietHours | null;

  @Field(() => String, { nullable: true, description: 'Unconfirmed this long before the start: needs attention. ISO-8601 duration.' })
  confirmationDeadline!: string | null;

  @Field(() => FollowUp, { nullable: true })
  reviewRequest!: FollowUp | null;

  @Field(() => FollowUp, { nullable: true })
  rebookMessage!: FollowUp | null;

  @Field({ description: 'How long after the end to wait for check-in or no-show before closing. ISO-8601 duration.' })
  attendanceWindow!: string;

  @Field(() => CancelKeywordValue)
  cancelKeyword!: CancelKeywordPolicy;

  @Field({ description: 'Lifetime of the signed reschedule link. ISO-8601 duration.' })
  rescheduleLinkTtl!: string;

  @Field(() => String, { nullable: true, description: "The booking system's reschedule page; the {{link}} template variable points there." })
  rescheduleUrl!: string | null;

  @Field(() => FrequencyCap)
  frequencyCap!: FrequencyCap;

  @Field({ description: 'Re-send by SMS when a WhatsApp message fails.' })
  fallbackToSms!: boolean;

  @Field(() => String, { nullable: true, description: 'How long a WhatsApp message may stay undelivered before the SMS fallback. ISO-8601 duration.' })
  whatsappDeliveryWindow!: string | null;

  @Field(() => Int, { description: 'Automatic answers to unclear replies per appointment in any 24 hours; past it, silence (staff still see every reply).' })
  autoReplyLimit!: number;

  @Field({ description: 'Whether a cancellation in the patient\'s own words is asked back ("Reply YES to cancel") before it is done.' })
  confirmCancelByReply!: boolean;

  @Field({ description: 'How long that question stays open (never past the start). ISO-8601 duration.' })
  cancelQuestionTtl!: string;
}

