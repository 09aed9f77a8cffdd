// Every change to a clinic's settings — through the API or the operator's CLI — leaves an AuditEvent
// saying who made it and what changed (values before and after), never a secret: API keys, webhook
// secrets and provider tokens are named by id at most.
import { randomBytes } from 'node:crypto';
import { userInfo } from 'node:os';
import type { Db } from '../db/prisma';
import type { Prisma } from '../generated/prisma/client';

export type SettingsAction =
  | 'settings.tenant_created'
  | 'settings.tenant_updated'
  | 'settings.policy_updated'
  | 'settings.template_upserted'
  | 'settings.whatsapp_template_set'
  | 'settings.api_key_created'
  | 'settings.api_key_revoked'
  | 'settings.twilio_configured'
  | 'settings.plan_changed'
  | 'settings.executor_changed'
  | 'settings.llm_configured';

export interface SettingsChange {
  tenantId: string;
  /** Who: `api-key:<name> (<key id>)`, `operator (api)`, `operator-cli:<os user>`. */
  actor: string;
  action: SettingsAction;
  /** What was changed: `tenant:<id>`, `policy:v<n>`, `template:<kind>/<locale>/<channel>`, `api-key:<id>`. */
  subject: string;
  detail: Record<string, unknown>;
}

/** The audit actor for a clinic's API key. */
export function apiKeyActor(caller: { keyName: string; keyId: string }): string {
  return `api-key:${caller.keyName} (${caller.keyId})`;
}

/** The audit actor for the operator's CLI on this machine. */
export function cliActor(): string {
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // No passwd entry (some containers): the command itself is still recorded.
  }
  return `operator-cli:${user}`;
}

/** The fields whose values differ, as `{ field: { from, to } }`; fields absent from `after` did not change. */
export function changedFields(before: Record<string, unknown>, after: Record<string, unknown>): Record<string, { from: unknown; to: unknown }> {
  const changed: Record<string, { from: unknown; to: unknown }> = {};
  for (const [field, to] of Object.entries(after)) {
    const from = before[field] ?? null;
    if (JSON.stringify(from) !== JSON.stringify(to ?? null)) changed[field] = { from, to: to ?? null };
  }
  return changed;
}

/** Writes the audit entry; pass the transaction that makes the change, so both commit or neither. */
export async function auditSettingsChange(db: Db | Prisma.TransactionClient, change: SettingsChange): Promise<void> {
  await db.auditEvent.create({
    data: {
      id: `a_settings_${randomBytes(8).toString('hex')}`,
      tenantId: change.tenantId,
      actor: change.actor,
      action: change.action,
      subject: change.subject,
      detail: JSON.parse(JSON.stringify(change.detail)) as Prisma.InputJsonObject,
      at: new Date(),
    },
  });
}
