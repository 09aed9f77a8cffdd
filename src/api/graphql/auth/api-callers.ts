// Who is calling: the Bearer key looked up by its hash on every request (so a revoked key stops at
// once), or the operator key.
import type { Db } from '../../../db/prisma';
import { hashApiKey } from '../../../tenants/api-keys';
import { isOperatorKey } from '../../../tenants/operator-key';
import { unauthenticated } from '../clinic-errors';

export interface TenantCaller {
  kind: 'tenant';
  tenantId: string;
  keyId: string;
  keyName: string;
}
export interface OperatorCaller {
  kind: 'operator';
}
export type Caller = TenantCaller | OperatorCaller;

const BEARER = /^Bearer\s+(\S+)\s*$/i;

export class ApiCallers {
  constructor(
    private readonly db: Db,
    private readonly operatorKey: string | undefined,
  ) {}

  /** Throws UNAUTHENTICATED for a missing, unknown or revoked key, saying nothing about which. */
  async identify(authorization: string | undefined): Promise<Caller> {
    const key = BEARER.exec(authorization ?? '')?.[1];
    if (!key) throw unauthenticated();
    if (isOperatorKey(key, this.operatorKey)) return { kind: 'operator' };
    const found = await this.db.apiKey.findUnique({
      where: { keyHash: hashApiKey(key) },
      select: { id: true, name: true, tenantId: true, revokedAt: true },
    });
    if (!found || found.revokedAt) throw unauthenticated();
    return { kind: 'tenant', tenantId: found.tenantId, keyId: found.id, keyName: found.name };
  }
}
