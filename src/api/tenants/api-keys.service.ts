// A clinic's API keys: listed by name, created (the key shown once, only its hash kept) and revoked
// (effective on the next request, since every request looks its key up); both audited, by key id.
import { Inject, Injectable } from '@nestjs/common';
import type { Db } from '../../db/prisma';
import { generateApiKey, hashApiKey, newApiKeyId } from '../../tenants/api-keys';
import { apiKeyActor, auditSettingsChange } from '../../tenants/settings-audit';
import type { TenantCaller } from '../graphql/auth/api-callers';
import { ClinicError, ClinicErrorCode, invalidInput, notFound } from '../graphql/clinic-errors';
import type { ApiKey, CreateApiKeyPayload } from '../graphql/models/api-key.model';
import { DB } from '../tokens';

const MAX_NAME_LENGTH = 100;
const SELECTED = { id: true, name: true, createdAt: true, revokedAt: true } as const;

@Injectable()
export class ApiKeys {
  constructor(@Inject(DB) private readonly db: Db) {}

  list(tenantId: string): Promise<ApiKey[]> {
    return this.db.apiKey.findMany({ where: { tenantId }, select: SELECTED, orderBy: { createdAt: 'asc' } });
  }

  async create(caller: TenantCaller, name: string): Promise<CreateApiKeyPayload> {
    const { tenantId } = caller;
    const trimmed = name.trim();
    if (!trimmed || trimmed.length > MAX_NAME_LENGTH) {
      throw invalidInput([{ field: 'name', message: `must be 1 to ${MAX_NAME_LENGTH} characters, e.g. "front desk"` }]);
    }
    const apiKey = generateApiKey();
    const key = await this.db.$transaction(async (tx) => {
      const created = await tx.apiKey.create({
        data: { id: newApiKeyId(), tenantId, name: trimmed, keyHash: hashApiKey(apiKey) },
        select: SELECTED,
      });
      await auditSettingsChange(tx, {
        tenantId,
        actor: apiKeyActor(caller),
        action: 'settings.api_key_created',
        subject: `api-key:${created.id}`,
        detail: { keyId: created.id, name: created.name },
      });
      return created;
    });
    return { apiKey, key };
  }

  /** True when revoked now, false when it already was. Another clinic's key is simply not found. */
  async revoke(caller: TenantCaller, id: string): Promise<boolean> {
    const { tenantId } = caller;
    return this.db.$transaction(async (tx) => {
      const key = await tx.apiKey.findFirst({ where: { id, tenantId }, select: SELECTED });
      if (!key) throw notFound(`no API key with id "${id}"`);
      if (key.revokedAt) return false;
      const othersActive = await tx.apiKey.count({ where: { tenantId, revokedAt: null, id: { not: id } } });
      // Without a key the clinic could not even make a new one: that takes the operator.
      if (othersActive === 0) {
        throw new ClinicError(ClinicErrorCode.Forbidden, 'cannot revoke the last active key; create another one first');
      }
      await tx.apiKey.update({ where: { id }, data: { revokedAt: new Date() } });
      await auditSettingsChange(tx, {
        tenantId,
        actor: apiKeyActor(caller),
        action: 'settings.api_key_revoked',
        subject: `api-key:${id}`,
        detail: { keyId: id, name: key.name },
      });
      return true;
    });
  }
}
