// The demo clinic that `npm run dev` and `npm run cluster` create on first run, and the state file
// (.data/dev.json, .data/cluster.json) that keeps its API key, which is only known at creation.
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Db } from '../src/db/prisma';
import { generateApiKey, hashApiKey } from '../src/tenants/api-keys';
import { createTenant } from '../src/tenants/create-tenant';

export const DEMO_TENANT_ID = 'demo';

export interface DemoTenant {
  id: string;
  name: string;
  timeZone: string;
  apiKey: string;
  webhookSecret: string;
}

/** What every state file holds: where the system answers and how to act in it. */
export interface LocalState {
  apiUrl: string;
  temporalAddress: string;
  temporalUiUrl: string | null;
  databaseUrl: string;
  /** Administers tenants through GraphQL (ARO_OPERATOR_KEY, else generated once and kept here). */
  operatorKey: string;
  demoTenant: DemoTenant;
}

/** What an earlier run wrote to its state file, or nothing when there is none. */
export async function previousState<T>(file: string): Promise<Partial<T>> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as Partial<T>;
  } catch {
    return {};
  }
}

/** The demo tenant, created on first run; its earlier API key is reused while it is still valid. */
export async function demoTenant(db: Db, timeZone: string, previousApiKey: string | undefined): Promise<DemoTenant> {
  const existing = await db.tenant.findUnique({ where: { id: DEMO_TENANT_ID } });
  if (!existing) {
    const created = await createTenant(db, { id: DEMO_TENANT_ID, name: 'Demo Clinic', timeZone });
    return { ...created.tenant, apiKey: created.apiKey, webhookSecret: created.webhookSecret };
  }
  let apiKey = previousApiKey;
  const known = apiKey ? await db.apiKey.findUnique({ where: { keyHash: hashApiKey(apiKey) } }) : null;
  if (!apiKey || !known || known.revokedAt) {
    // The state file was lost or its key revoked: issue a fresh key rather than guess.
    apiKey = generateApiKey();
    await db.apiKey.create({ data: { id: `k_${randomUUID()}`, tenantId: existing.id, name: 'dev', keyHash: hashApiKey(apiKey) } });
  }
  return { id: existing.id, name: existing.name, timeZone: existing.timeZone, apiKey, webhookSecret: existing.webhookSecret };
}
