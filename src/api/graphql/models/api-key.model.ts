// A clinic's API key as listed: its name and dates, never the key (only its hash is stored).
import { Field, ID, ObjectType } from '@nestjs/graphql';

@ObjectType()
export class ApiKey {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field()
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  revokedAt!: Date | null;
}

@ObjectType({ description: 'A new key. `apiKey` is shown this once: store it now.' })
export class CreateApiKeyPayload {
  @Field()
  apiKey!: string;

  @Field(() => ApiKey)
  key!: ApiKey;
}
