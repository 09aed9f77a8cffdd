// Resolver parameters that say who may call: @ClinicKey() for a tenant's API key (its tenant is the
// only one the resolver may touch), @OperatorKey() for the operator's.
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import { forbidden } from '../clinic-errors';
import type { OperatorCaller, TenantCaller } from './api-callers';
import type { ClinicContext } from './clinic-context';

function callerOf(ctx: ExecutionContext) {
  return GqlExecutionContext.create(ctx).getContext<ClinicContext>().caller;
}

export const ClinicKey = createParamDecorator((_: unknown, ctx: ExecutionContext): TenantCaller => {
  const caller = callerOf(ctx);
  if (caller.kind !== 'tenant') throw forbidden("this needs a clinic's API key; the operator key only administers tenants");
  return caller;
});

export const OperatorKey = createParamDecorator((_: unknown, ctx: ExecutionContext): OperatorCaller => {
  const caller = callerOf(ctx);
  if (caller.kind !== 'operator') throw forbidden('only the operator key may do this');
  return caller;
});
