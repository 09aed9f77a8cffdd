// A clinic's figures over a date range: appointments by what became of them, and messaging volume.
import { Field, Float, Int, ObjectType } from '@nestjs/graphql';
import type { Channel } from '../../../workflows/contracts';
import { ChannelValue } from './enums';

@ObjectType({ description: 'Messages sent on one channel in the range, and their billable segments.' })
export class ChannelMessages {
  @Field(() => ChannelValue)
  channel!: Channel;

  @Field(() => Int)
  messagesSent!: number;

  @Field(() => Int)
  segmentsSent!: number;
}

@ObjectType({
  description:
    'Appointment figures count the appointments that start in [from, to); message figures count what was sent or received in it.',
})
export class Stats {
  @Field()
  from!: Date;

  @Field()
  to!: Date;

  @Field(() => Int)
  appointments!: number;

  @Field(() => Int, { description: 'Appointments confirmed at some point, by the patient or the clinic.' })
  confirmed!: number;

  @Field(() => Float, { nullable: true, description: 'confirmed / appointments; null with no appointments.' })
  confirmationRate!: number | null;

  @Field(() => Int)
  cancellations!: number;

  @Field(() => Int, { description: 'Times an appointment in the range was moved to a new time.' })
  reschedules!: number;

  @Field(() => Int)
  completed!: number;

  @Field(() => Int)
  noShows!: number;

  @Field(() => Float, { nullable: true, description: 'noShows / (completed + noShows); null before any attendance is known.' })
  noShowRate!: number | null;

  @Field(() => Int, { description: 'Appointments that need attention now.' })
  needingAttention!: number;

  @Field(() => Int)
  messagesSent!: number;

  @Field(() => Int, { description: 'Billable segments of the messages sent.' })
  segmentsSent!: number;

  @Field(() => [ChannelMessages], { description: 'messagesSent and segmentsSent by channel; channels with none are left out.' })
  byChannel!: ChannelMessages[];

  @Field(() => Int)
  repliesReceived!: number;

  @Field(() => Int, { description: 'Replies ARO could not answer by itself and passed to the clinic.' })
  repliesNeedingAttention!: number;
}
