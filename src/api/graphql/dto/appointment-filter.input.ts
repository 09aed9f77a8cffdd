// Which appointments a list shows: by status, start, attention flag and patient name.
import { Field, InputType } from '@nestjs/graphql';
import { IsOptional, MaxLength } from 'class-validator';
import type { AppointmentStatus } from '../../../workflows/contracts';
import { AppointmentStatusValue } from '../models/enums';

@InputType()
export class AppointmentFilter {
  @Field(() => [AppointmentStatusValue], { nullable: true, description: 'Any of these states.' })
  status?: AppointmentStatus[] | null;

  @Field(() => Date, { nullable: true, description: 'Starting at or after this instant.' })
  startsFrom?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Starting before this instant.' })
  startsBefore?: Date | null;

  @Field(() => Boolean, { nullable: true })
  needsAttention?: boolean | null;

  @Field(() => String, { nullable: true, description: "Part of the patient's name, any case." })
  @IsOptional()
  @MaxLength(200, { message: 'must be at most 200 characters' })
  patientName?: string | null;
}
