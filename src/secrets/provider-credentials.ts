// Where tenants' provider credentials live: sealed in ProviderCredential, opened only by the code
// that must use them (the tenant's send skill, the provider webhook's signature check).
import type { Db } from '../db/prisma';
import type { Prisma } from '../generated/prisma/client';
import type { CredentialCipher } from './credential-cipher';

/** Authenticated with the sealed value, so a row copied to another tenant or provider does not open. */
function sealContext(tenantId: string, provider: string): string {
  return `tenant:${tenantId}/provider:${provider}`;
}

export async function saveProviderCredentials(
  db: Prisma.TransactionClient,
  cipher: CredentialCipher,
  tenantId: string,
  provider: string,
  credentials: Record<string, string>,
): Promise<void> {
  const { sealed, keyId } = cipher.seal(JSON.stringify(credentials), sealContext(tenantId, provider));
  await db.providerCredential.upsert({
    where: { tenantId_provider: { tenantId, provider } },
    create: { tenantId, provider, sealed, keyId },
    update: { sealed, keyId },
  });
}

/** The opened credentials as stored (the provider checks their shape), or null when the tenant has none. */
export async function openProviderCredentials(db: Db, cipher: CredentialCipher, tenantId: string, provider: string): Promise<unknown> {
  const row = await db.providerCredential.findUnique({ where: { tenantId_provider: { tenantId, provider } } });
  return row ? JSON.parse(cipher.open(row.sealed, sealContext(tenantId, provider))) : null;
}

/** Key rotation: re-seals every credential not sealed with the current key; returns how many. */
export async function resealProviderCredentials(db: Db, cipher: CredentialCipher): Promise<number> {
  const currentKeyId = cipher.currentKeyId;
  if (!currentKeyId) throw new Error('ARO_SECRETS_KEY is not set: there is no key to re-seal with');
  const stale = await db.providerCredential.findMany({ where: { keyId: { not: currentKeyId } } });
  for (const row of stale) {
    const context = sealContext(row.tenantId, row.provider);
    const { sealed, keyId } = cipher.seal(cipher.open(row.sealed, context), context);
    // Guarded by the old value, so a credential replaced meanwhile is not overwritten with the old secret.
    await db.providerCredential.updateMany({ where: { tenantId: row.tenantId, provider: row.provider, sealed: row.sealed }, data: { sealed, keyId } });
  }
  return stale.length;
}
