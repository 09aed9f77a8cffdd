// A patient the clinic has messaged, with the consent ledger behind their opt-out status.
import { Field, ID, ObjectType } from '@nestjs/graphql';
import { Connection } from './connection.model';
import { ConsentChangeValue } from './enums';

@ObjectType({ description: 'One opt-out or opt-in, and how it came about.' })
export class ConsentEntry {
  @Field(() => ConsentChangeValue)
  change!: 'opt_out' | 'opt_in';

  @Field({ description: 'keyword, reply, staff or provider.' })
  source!: string;

  @Field()
  at!: Date;

  @Field(() => String, { nullable: true })
  detail!: string | null;
}

@ObjectType({ description: 'A patient contact. The phone is masked unless asked for with `phone(reveal: true)`.' })
export class Contact {
  @Field(() => ID)
  id!: string;

  /** E.164; its field resolver masks it. */
  phone!: string;

  @Field(() => String, { nullable: true })
  name!: string | null;

  @Field(() => String, { nullable: true })
  locale!: string | null;

  @Field({ description: 'The patient asked for no more messages.' })
  optedOut!: boolean;

  @Field()
  createdAt!: Date;

  @Field()
  updatedAt!: Date;
}

@ObjectType()
export class ContactConnection extends Connection(Contact) {}
