// A clinic's API keys: create one (shown once) and revoke one.
import { UsePipes } from '@nestjs/common';
import { Args, ID, Mutation, Resolver } from '@nestjs/graphql';
import { ApiKeys } from '../../tenants/api-keys.service';
import type { TenantCaller } from '../auth/api-callers';
import { ClinicKey } from '../auth/caller.decorators';
import { InputValidationPipe } from '../input-validation.pipe';
import { ApiKey, CreateApiKeyPayload } from '../models/api-key.model';

@Resolver(() => ApiKey)
@UsePipes(InputValidationPipe)
export class ApiKeyResolver {
  constructor(private readonly apiKeys: ApiKeys) {}

  @Mutation(() => CreateApiKeyPayload, { description: 'A new key for this clinic, named after who uses it (e.g. "front desk").' })
  createApiKey(@ClinicKey() caller: TenantCaller, @Args('name') name: string): Promise<CreateApiKeyPayload> {
    return this.apiKeys.create(caller, name);
  }

  @Mutation(() => Boolean, { description: 'Revokes a key at once. False when it was already revoked.' })
  revokeApiKey(@ClinicKey() caller: TenantCaller, @Args('id', { type: () => ID }) id: string): Promise<boolean> {
    return this.apiKeys.revoke(caller, id);
  }
}
