// What the operator gets back for a new clinic: its secrets, shown this once.
import { Field, ObjectType } from '@nestjs/graphql';
import { Tenant } from './tenant.model';

@ObjectType()
export class CreateTenantPayload {
  @Field(() => Tenant)
  tenant!: Tenant;

  @Field({ description: "The clinic's first API key (named default). Shown once." })
  apiKey!: string;

  @Field({ description: 'Signs booking webhooks (X-Aro-Signature). Shown once.' })
  webhookSecret!: string;
}
