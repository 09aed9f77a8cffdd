// The clinic's own settings (me, updateTenant, updatePolicy) and the operator's createTenant.
import { UsePipes } from '@nestjs/common';
import { Args, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { ApiKeys } from '../../tenants/api-keys.service';
import { TenantSettings } from '../../tenants/tenant-settings.service';
import { Templates } from '../../templates/templates.service';
import type { OperatorCaller, TenantCaller } from '../auth/api-callers';
import { ClinicKey, OperatorKey } from '../auth/caller.decorators';
import { PolicyInput } from '../dto/policy.input';
import { CreateTenantInput, UpdateTenantInput } from '../dto/tenant.input';
import { InputValidationPipe } from '../input-validation.pipe';
import { ApiKey } from '../models/api-key.model';
import { CreateTenantPayload } from '../models/create-tenant-payload.model';
import { Template } from '../models/template.model';
import { Tenant } from '../models/tenant.model';

@Resolver(() => Tenant)
@UsePipes(InputValidationPipe)
export class TenantResolver {
  constructor(
    private readonly settings: TenantSettings,
    private readonly templateBook: Templates,
    private readonly keys: ApiKeys,
  ) {}

  @Query(() => Tenant, { description: 'The clinic the API key belongs to.' })
  me(@ClinicKey() caller: TenantCaller): Promise<Tenant> {
    return this.settings.get(caller.tenantId);
  }

  @Mutation(() => CreateTenantPayload, { description: 'Operator key only: a new clinic, with its first API key and webhook secret.' })
  createTenant(@OperatorKey() _operator: OperatorCaller, @Args('input') input: CreateTenantInput): Promise<CreateTenantPayload> {
    return this.settings.create(input);
  }

  @Mutation(() => Tenant, { description: "Changes the clinic's name, time zone, default locale or channels." })
  updateTenant(@ClinicKey() caller: TenantCaller, @Args('input') input: UpdateTenantInput): Promise<Tenant> {
    return this.settings.update(caller, input);
  }

  @Mutation(() => Tenant, { description: 'Changes the reminder policy: validated, stored as the next version; new appointments use it.' })
  updatePolicy(@ClinicKey() caller: TenantCaller, @Args('input') input: PolicyInput): Promise<Tenant> {
    return this.settings.updatePolicy(caller, input);
  }

  // The parent is a tenant this caller was allowed to see (its own, or the one the operator just made).
  @ResolveField(() => [Template])
  templates(@Parent() tenant: Tenant): Promise<Template[]> {
    return this.templateBook.list(tenant.id);
  }

  @ResolveField(() => [ApiKey])
  apiKeys(@Parent() tenant: Tenant): Promise<ApiKey[]> {
    return this.keys.list(tenant.id);
  }
}
