// An appointment booked in ARO itself, for a clinic without a booking system. Checked by the same
// rules as the booking webhook's appointment.
import { Field, ID, InputType, Int } from '@nestjs/graphql';

@InputType()
export class PatientInput {
  @Field()
  name!: string;

  @Field({ description: 'E.164, e.g. +14155550123.' })
  phone!: string;

  @Field(() => String, { nullable: true, description: "Default: the clinic's default locale." })
  locale?: string | null;
}

@InputType()
export class AppointmentInput {
  @Field(() => ID, { nullable: true, description: 'Your id for it; one is made up when left out.' })
  externalId?: string | null;

  @Field()
  startsAt!: Date;

  @Field(() => Int, { nullable: true, description: 'Default 30.' })
  durationMinutes?: number | null;

  @Field(() => PatientInput)
  patient!: PatientInput;

  @Field(() => String, { nullable: true })
  provider?: string | null;

  @Field(() => String, { nullable: true })
  location?: string | null;
}
