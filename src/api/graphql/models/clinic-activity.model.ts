// One change in a clinic, as the live stream announces it: which appointment, what kind, when.
import { Field, ID, ObjectType } from '@nestjs/graphql';

@ObjectType({ description: 'Something changed in this clinic: read the appointment again to see what.' })
export class ClinicActivity {
  @Field(() => ID)
  externalId!: string;

  @Field({
    description:
      "appointment (its state changed: status, attention, next touch, time), reply (the patient wrote), message (a message to the patient was recorded), delivery_status (a message's status moved).",
  })
  kind!: string;

  @Field({ description: 'When the change was written (the time of the transaction that wrote it).' })
  at!: Date;
}
