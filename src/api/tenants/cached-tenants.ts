// Tenants as the webhook routes look them up: every delivery names its tenant, so rows are kept for
// ARO_TENANT_CACHE_TTL_MS (a change made through another API process takes effect within that; one
// made through this process, at once) and concurrent lookups of one tenant share a single query.
import { Inject, Injectable } from '@nestjs/common';
import type { AroConfig } from '../../config';
import type { Db } from '../../db/prisma';
import type { Tenant } from '../../generated/prisma/client';
import { ARO_CONFIG, DB } from '../tokens';
import { ExpiringCache } from './expiring-cache';
import { requireTenant } from './require-tenant';

@Injectable()
export class CachedTenants {
  private readonly tenants: ExpiringCache<Tenant>;

  constructor(
    @Inject(DB) private readonly db: Db,
    @Inject(ARO_CONFIG) config: AroConfig,
  ) {
    this.tenants = new ExpiringCache(config.ARO_TENANT_CACHE_TTL_MS);
  }

  /** The tenant, or the 404 of requireTenant (which is not kept: the next delivery looks again). */
  require(tenantId: string): Promise<Tenant> {
    return this.tenants.get(tenantId, () => requireTenant(this.db, tenantId));
  }

  /** A settings change made here: the next delivery reads the tenant afresh. */
  forget(tenantId: string): void {
    this.tenants.forget(tenantId);
  }
}
