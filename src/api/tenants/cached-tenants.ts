// Tenants as the webhook routes look them up: every delivery names its tenant, so rows are kept for
// ARO_TENANT_CACHE_TTL_MS (a changed webhook secret or credentials take effect within that) and
// concurrent lookups of one tenant share a single query.
import { Inject, Injectable } from '@nestjs/common';
import type { AroConfig } from '../../config';
import type { Db } from '../../db/prisma';
import type { Tenant } from '../../generated/prisma/client';
import { ARO_CONFIG, DB } from '../tokens';
import { requireTenant } from './require-tenant';

interface Entry {
  tenant: Promise<Tenant>;
  expiresAt: number;
}

@Injectable()
export class CachedTenants {
  private readonly entries = new Map<string, Entry>();

  constructor(
    @Inject(DB) private readonly db: Db,
    @Inject(ARO_CONFIG) private readonly config: AroConfig,
  ) {}

  /** The tenant, or the 404 of requireTenant. An unknown id or a failed lookup is not kept. */
  require(tenantId: string): Promise<Tenant> {
    const now = Date.now();
    const cached = this.entries.get(tenantId);
    if (cached && cached.expiresAt > now) return cached.tenant;
    const entry: Entry = { tenant: requireTenant(this.db, tenantId), expiresAt: now + this.config.ARO_TENANT_CACHE_TTL_MS };
    this.entries.set(tenantId, entry);
    // Only successes are kept, so made-up tenant ids cannot grow the map.
    entry.tenant.catch(() => {
      if (this.entries.get(tenantId) === entry) this.entries.delete(tenantId);
    });
    return entry.tenant;
  }
}
