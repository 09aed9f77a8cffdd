// Resolves the tenant a route names; a route for a tenant that does not exist answers 404 before anything else.
import { NotFoundException } from '@nestjs/common';
import type { Db } from '../../db/prisma';
import type { Tenant } from '../../generated/prisma/client';

export async function requireTenant(db: Db, tenantId: string): Promise<Tenant> {
  const tenant = await db.tenant.findUnique({ where: { id: tenantId } });
  if (!tenant) throw new NotFoundException({ error: 'unknown_tenant', message: `no tenant with id "${tenantId}"` });
  return tenant;
}
