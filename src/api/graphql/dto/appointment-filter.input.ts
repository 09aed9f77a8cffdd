// Which appointments a list shows: by status, start, attention flag and patient name.
import { Field, InputType } from '@nestjs/graphql';
import { z } from 'zod';
import type { AppointmentStatus } from '../../../workflows/contracts';
import { ValidatedBy } from '../input-validation.pipe';
import { AppointmentStatusValue } from '../models/enums';

const appointmentFilterSchema = z.looseObject({ patientName: z.string().max(200, 'must be at most 200 characters').nullish() });

@InputType()
@ValidatedBy(appointmentFilterSchema)
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
  patientName?: string | null;
}
