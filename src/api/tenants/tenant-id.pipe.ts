// Every route's :tenantId is checked for the shape of a tenant id before any handler runs, so a
// malformed one (an encoded NUL, 10,000 characters) is simply an unknown tenant, never a failed query.
import { Injectable, NotFoundException, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';
import { isTenantId } from '../../tenants/create-tenant';

/** The one answer for a tenant a route names that does not exist, or could not. */
export function unknownTenant(tenantId: string): NotFoundException {
  const shown = tenantId.length > 80 ? `${tenantId.slice(0, 80)}…` : tenantId;
  return new NotFoundException({ error: 'unknown_tenant', message: `no tenant with id ${JSON.stringify(shown)}` });
}

@Injectable()
export class TenantIdPipe implements PipeTransform {
  transform(value: unknown, { type, data }: ArgumentMetadata): unknown {
    if (type === 'param' && data === 'tenantId' && !(typeof value === 'string' && isTenantId(value))) throw unknownTenant(String(value));
    return value;
  }
}
