// Creating a tenant: validated input, its secrets, and the default policy and templates it starts with.
import { randomBytes } from 'node:crypto';
import { IANAZone } from 'luxon';
import type { Db } from '../db/prisma';
import { defaultTemplates } from '../domain/default-templates';
import { defaultPolicy } from '../domain/policy';
import { unstorableTextProblem } from '../domain/storable-text';
import type { Prisma } from '../generated/prisma/client';
import { generateApiKey, hashApiKey, newApiKeyId } from './api-keys';

export interface CreateTenantInput {
  name: string;
  /** IANA time zone of the clinic, e.g. Europe/Madrid. */
  timeZone: string;
  /** Language of patients with no locale of their own: en, es, pt-BR... Default en. */
  defaultLocale?: string;
  /** A chosen id (seeded demo tenants, tests); generated when absent. */
  id?: string;
  /** Where its skills run: a shared pool (default) or its own task queue (docs/tenants-at-scale.md). */
  executor?: 'dedicated' | 'pooled';
}

export interface CreatedTenant {
  tenant: { id: string; name: string; timeZone: string; defaultLocale: string; executor: 'dedicated' | 'pooled' };
  /** Shown once: only its hash is stored. */
  apiKey: string;
  /** Signs booking webhooks (X-Aro-Signature). */
  webhookSecret: string;
}

/** Bad input, naming the field, so the CLI and the API can point at what to fix. */
export class TenantInputError extends Error {
  constructor(
    readonly field: keyof CreateTenantInput,
    readonly problem: string,
  ) {
    super(`${field}: ${problem}`);
    this.name = 'TenantInputError';
  }
}

const NAME_MAX_LENGTH = 200;
// Tenant ids end up in URLs, task queue names (aro-tenant-<id>) and workflow ids (appt:<id>:<ext>),
// so they keep to characters that are safe and unambiguous in all three.
const TENANT_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const LOCALE = /^[a-z]{2,3}(-[A-Z]{2})?$/;

/** A record id: `prefix` + 16 random hex digits. */
export function randomId(prefix: string): string {
  return prefix + randomBytes(8).toString('hex');
}

export type TenantSettings = Pick<CreateTenantInput, 'name' | 'timeZone' | 'defaultLocale'>;

/** Checks and normalises the settings a clinic chooses, at creation or later; each one is optional here. */
export function checkTenantSettings(input: Partial<TenantSettings>): Partial<TenantSettings> {
  const checked: Partial<TenantSettings> = {};
  if (input.name !== undefined) {
    const name = input.name.trim();
    if (name.length === 0) throw new TenantInputError('name', 'must not be empty');
    if (name.length > NAME_MAX_LENGTH) throw new TenantInputError('name', `must be at most ${NAME_MAX_LENGTH} characters`);
    const unstorable = unstorableTextProblem(name);
    if (unstorable) throw new TenantInputError('name', unstorable);
    checked.name = name;
  }
  if (input.timeZone !== undefined) {
    if (!IANAZone.isValidZone(input.timeZone)) {
      throw new TenantInputError('timeZone', `${JSON.stringify(input.timeZone)} is not an IANA time zone such as Europe/Madrid`);
    }
    // Zone names match case-insensitively and have aliases; store the one spelling ICU resolves them to.
    checked.timeZone = new Intl.DateTimeFormat('en', { timeZone: input.timeZone }).resolvedOptions().timeZone;
  }
  if (input.defaultLocale !== undefined) {
    if (!isLocale(input.defaultLocale)) {
      throw new TenantInputError('defaultLocale', `${JSON.stringify(input.defaultLocale)} is not a locale such as en, es or pt-BR`);
    }
    checked.defaultLocale = input.defaultLocale;
  }
  return checked;
}

/** Whether `value` could be a tenant's id at all: checked before any query looks one up. */
export function isTenantId(value: string): boolean {
  return TENANT_ID.test(value);
}

/** A language, optionally with a region: templates are keyed by these. */
export function isLocale(value: string): boolean {
  return LOCALE.test(value);
}

function validate(input: CreateTenantInput): Required<CreateTenantInput> {
  const { name, timeZone, defaultLocale } = checkTenantSettings({ ...input, defaultLocale: input.defaultLocale ?? 'en' }) as Required<TenantSettings>;
  const id = input.id ?? randomId('t_');
  if (!isTenantId(id)) {
    throw new TenantInputError('id', `${JSON.stringify(id)} must be 1-64 letters, digits, _ or -, starting with a letter or digit`);
  }
  return { id, name, timeZone, defaultLocale, executor: input.executor ?? 'pooled' };
}

/** Validates, then stores the tenant, its first API key and its default templates in one transaction. */
export async function createTenant(db: Db, input: CreateTenantInput): Promise<CreatedTenant> {
  const tenant = validate(input);
  const apiKey = generateApiKey();
  const webhookSecret = `whsec_${randomBytes(32).toString('hex')}`;
  const policy = defaultPolicy();

  // A nested write is a single transaction in Prisma: the tenant never exists without its key and templates.
  await db.tenant.create({
    data: {
      ...tenant,
      // Policy is plain JSON data; its interface only lacks the index signature Prisma's JSON type asks for.
      policy: policy as unknown as Prisma.InputJsonObject,
      policyVersion: policy.version,
      webhookSecret,
      channels: { provider: 'dev' },
      apiKeys: { create: { id: newApiKeyId(), name: 'default', keyHash: hashApiKey(apiKey) } },
      templates: { createMany: { data: defaultTemplates().map((t) => ({ id: randomId('tpl_'), ...t })) } },
    },
  });
  return { tenant, apiKey, webhookSecret };
}
