// Dev mode's patient phone: each phone ARO has written to, with the conversation as the patient sees it.
import { Field, ObjectType } from '@nestjs/graphql';

@ObjectType({ description: 'One message on the patient\'s phone.' })
export class DevPhoneMessage {
  @Field({ description: 'to_patient (ARO or staff wrote) or from_patient (the patient replied).' })
  direction!: 'to_patient' | 'from_patient';

  @Field()
  body!: string;

  @Field()
  at!: Date;
}

@ObjectType({ description: 'Dev mode only: a phone ARO has written to, unmasked, with its conversation (oldest first).' })
export class DevPhone {
  @Field()
  phone!: string;

  @Field(() => String, { nullable: true })
  patientName!: string | null;

  @Field(() => [DevPhoneMessage])
  messages!: DevPhoneMessage[];
}
