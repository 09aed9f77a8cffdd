// Giving a tenant an LLM for the replies its in-process classifier is unsure of, or taking it away:
// the endpoint in its channel settings, the API key (if the endpoint needs one) sealed — both at once.
import type { Db } from '../db/prisma';
import type { Prisma } from '../generated/prisma/client';
import { LLM_PROVIDER, LlmSettingsError, llmCredentialsSchema, llmSettingsSchema, parsed } from '../llm/llm-settings';
import type { CredentialCipher } from '../secrets/credential-cipher';
import { saveProviderCredentials } from '../secrets/provider-credentials';

export interface LlmSetupInput {
  baseUrl: string;
  model: string;
  timeoutMs?: number;
  /** Sealed with ARO_SECRETS_KEY; absent for an endpoint that needs none (a local gateway). */
  apiKey?: string;
}

async function channelsOf(db: Db, tenantId: string): Promise<Record<string, unknown>> {
  const tenant = await db.tenant.findUnique({ where: { id: tenantId }, select: { channels: true } });
  if (!tenant) throw new LlmSettingsError(`id: no tenant with id "${tenantId}"`);
  return (tenant.channels ?? {}) as Record<string, unknown>;
}

export async function configureLlm(db: Db, cipher: CredentialCipher, tenantId: string, input: LlmSetupInput): Promise<void> {
  const settings = parsed(llmSettingsSchema, { baseUrl: input.baseUrl, model: input.model, timeoutMs: input.timeoutMs }, 'llm');
  const credentials = input.apiKey === undefined ? undefined : parsed(llmCredentialsSchema, { apiKey: input.apiKey }, 'llm');
  const channels = { ...(await channelsOf(db, tenantId)), llm: settings } as Prisma.InputJsonObject;
  await db.$transaction(async (tx) => {
    if (credentials) await saveProviderCredentials(tx, cipher, tenantId, LLM_PROVIDER, credentials);
    else await tx.providerCredential.deleteMany({ where: { tenantId, provider: LLM_PROVIDER } });
    await tx.tenant.update({ where: { id: tenantId }, data: { channels } });
  });
}

export async function removeLlm(db: Db, tenantId: string): Promise<void> {
  const { llm: _removed, ...channels } = await channelsOf(db, tenantId);
  await db.$transaction([
    db.providerCredential.deleteMany({ where: { tenantId, provider: LLM_PROVIDER } }),
    db.tenant.update({ where: { id: tenantId }, data: { channels: channels as Prisma.InputJsonObject } }),
  ]);
}
