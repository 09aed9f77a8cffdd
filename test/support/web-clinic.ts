// A clinic for the browser suites: created in PostgreSQL as the operator CLI would, with the key to
// sign in with and the secret its booking system signs with.
import type { Db } from '../../src/db/prisma';
import { createTenant } from '../../src/tenants/create-tenant';

export interface WebClinic {
  id: string;
  name: string;
  timeZone: string;
  apiKey: string;
  webhookSecret: string;
}

export async function createWebClinic(db: Db, id: string, name: string, timeZone: string): Promise<WebClinic> {
  const created = await createTenant(db, { id, name, timeZone });
  return { id, name, timeZone, apiKey: created.apiKey, webhookSecret: created.webhookSecret };
}
