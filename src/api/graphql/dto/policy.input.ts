// A change to the reminder policy: the fields given replace the current ones (null turns an
// optional part off), and the whole result is validated before it becomes the next version.
import { Field, InputType, Int } from '@nestjs/graphql';
import type { AppointmentStatus, CancelKeywordPolicy, Channel } from '../../../workflows/contracts';
import { AppointmentStatusValue, CancelKeywordValue, ChannelValue } from '../models/enums';

@InputType()
export class BookingConfirmationInput {
  @Field()
  enabled!: boolean;

  @Field(() => ChannelValue)
  channel!: Channel;
}

@InputType()
export class ReminderTouchInput {
  @Field({ description: 'ISO-8601 duration before the start, e.g. P2D, PT2H.' })
  before!: string;

  @Field(() => ChannelValue)
  channel!: Channel;

  @Field({ description: 'A template kind the clinic has.' })
  template!: string;

  @Field(() => Boolean, { nullable: true })
  asksConfirmation?: boolean | null;

  @Field(() => [AppointmentStatusValue], { nullable: true })
  onlyIf?: AppointmentStatus[] | null;
}

@InputType()
export class QuietHoursInput {
  @Field({ description: 'HH:MM' })
  start!: string;

  @Field({ description: 'HH:MM' })
  end!: string;
}

@InputType()
export class FollowUpInput {
  @Field({ description: 'ISO-8601 duration after the visit.' })
  after!: string;

  @Field(() => ChannelValue)
  channel!: Channel;
}

@InputType()
export class FrequencyCapInput {
  @Field(() => Int)
  perDay!: number;

  @Field(() => Int)
  perWeek!: number;
}

@InputType({ description: 'Fields left out keep their current value; null turns an optional part off.' })
export class PolicyInput {
  @Field(() => BookingConfirmationInput, { nullable: true })
  bookingConfirmation?: BookingConfirmationInput | null;

  @Field(() => [ReminderTouchInput], { nullable: true })
  reminders?: ReminderTouchInput[] | null;

  @Field(() => QuietHoursInput, { nullable: true })
  quietHours?: QuietHoursInput | null;

  @Field(() => String, { nullable: true })
  confirmationDeadline?: string | null;

  @Field(() => FollowUpInput, { nullable: true })
  reviewRequest?: FollowUpInput | null;

  @Field(() => FollowUpInput, { nullable: true })
  rebookMessage?: FollowUpInput | null;

  @Field(() => String, { nullable: true })
  attendanceWindow?: string | null;

  @Field(() => CancelKeywordValue, { nullable: true })
  cancelKeyword?: CancelKeywordPolicy | null;

  @Field(() => String, { nullable: true })
  rescheduleLinkTtl?: string | null;

  @Field(() => String, { nullable: true })
  rescheduleUrl?: string | null;

  @Field(() => FrequencyCapInput, { nullable: true })
  frequencyCap?: FrequencyCapInput | null;

  @Field(() => Boolean, { nullable: true })
  fallbackToSms?: boolean | null;

  @Field(() => String, { nullable: true })
  whatsappDeliveryWindow?: string | null;

  @Field(() => Int, { nullable: true })
  autoReplyLimit?: number | null;

  @Field(() => Boolean, { nullable: true })
  confirmCancelByReply?: boolean | null;

  @Field(() => String, { nullable: true })
  cancelQuestionTtl?: string | null;
}
