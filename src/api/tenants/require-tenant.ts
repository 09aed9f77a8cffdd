// Resolves the tenant a route names; a route for a tenant that does not exist answers 404 before anything else.
import type { Db } from '../../db/prisma';
import type { Tenant } from '../../generated/prisma/client';
import { isTenantId } from '../../tenants/create-tenant';
import { unknownTenant } from './tenant-id.pipe';

export async function requireTenant(db: Db, tenantId: string): Promise<Tenant> {
  // A malformed id cannot name a tenant, and text PostgreSQL refuses (a NUL) must not reach the query.
  const tenant = isTenantId(tenantId) ? await db.tenant.findUnique({ where: { id: tenantId } }) : null;
  if (!tenant) throw unknownTenant(tenantId);
  return tenant;
}
