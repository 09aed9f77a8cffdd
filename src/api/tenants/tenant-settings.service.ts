// A clinic's settings through the API: the operator creates clinics; a clinic reads and changes its
// own name, time zone, locale, channels and reminder policy — each change validated, audited with who
// made it and what changed, the policy versioned.
import { Inject, Injectable } from '@nestjs/common';
import type { Db } from '../../db/prisma';
import { parsePolicy, policySchema } from '../../domain/policy';
import type { Prisma } from '../../generated/prisma/client';
import { createTenant, checkTenantSettings, TenantInputError } from '../../tenants/create-tenant';
import { sendRateProblem } from '../../tenants/send-rate';
import { apiKeyActor, auditSettingsChange, changedFields } from '../../tenants/settings-audit';
import { twilioSenderSchema } from '../../twilio/twilio-settings';
import type { TenantCaller } from '../graphql/auth/api-callers';
import type { FieldError } from '../http/invalid-payload';
import { ClinicError, ClinicErrorCode, fieldsFromZod, invalidInput } from '../graphql/clinic-errors';
import type { PolicyInput } from '../graphql/dto/policy.input';
import type { ChannelsInput, CreateTenantInput, UpdateTenantInput } from '../graphql/dto/tenant.input';
import type { CreateTenantPayload } from '../graphql/models/create-tenant-payload.model';
import type { Tenant } from '../graphql/models/tenant.model';
import { DB } from '../tokens';
import { CachedTenants } from './cached-tenants';
import { tenantView, type StoredChannels } from './tenant-view';

/** The messaging providers every worker has (worker.ts); any other name would stop the clinic's messages. */
const PROVIDERS = ['dev', 'twilio'];

@Injectable()
export class TenantSettings {
  constructor(
    @Inject(DB) private readonly db: Db,
    private readonly cachedTenants: CachedTenants,
  ) {}

  async get(tenantId: string): Promise<Tenant> {
    return tenantView(await this.db.tenant.findUniqueOrThrow({ where: { id: tenantId } }));
  }

  async create(input: CreateTenantInput): Promise<CreateTenantPayload> {
    const created = await namingFields(() =>
      createTenant(this.db, { name: input.name, timeZone: input.timeZone, defaultLocale: input.defaultLocale ?? undefined }),
    );
    const { tenant } = created;
    await auditSettingsChange(this.db, {
      tenantId: tenant.id,
      actor: 'operator (api)',
      action: 'settings.tenant_created',
      subject: `tenant:${tenant.id}`,
      detail: { name: tenant.name, timeZone: tenant.timeZone, defaultLocale: tenant.defaultLocale, executor: tenant.executor },
    });
    return { tenant: await this.get(tenant.id), apiKey: created.apiKey, webhookSecret: created.webhookSecret };
  }

  async update(caller: TenantCaller, input: UpdateTenantInput): Promise<Tenant> {
    const { tenantId } = caller;
    const settings = await namingFields(async () =>
      checkTenantSettings({ name: input.name ?? undefined, timeZone: input.timeZone ?? undefined, defaultLocale: input.defaultLocale ?? undefined }),
    );
    const current = await this.db.tenant.findUniqueOrThrow({ where: { id: tenantId } });
    const channels = input.channels ? await this.channels(tenantId, current.channels as StoredChannels, input.channels) : undefined;
    const data = { ...settings, ...(channels ? { channels } : {}) };
    const changed = changedFields(current, data);
    await this.db.$transaction(async (tx) => {
      await tx.tenant.update({ where: { id: tenantId }, data });
      await auditSettingsChange(tx, { tenantId, actor: apiKeyActor(caller), action: 'settings.tenant_updated', subject: `tenant:${tenantId}`, detail: { changed } });
    });
    this.cachedTenants.forget(tenantId);
    return this.get(tenantId);
  }

  /** The fields given replace the current ones; the result must be a valid policy, stored as the next version. */
  async updatePolicy(caller: TenantCaller, input: PolicyInput): Promise<Tenant> {
    const { tenantId } = caller;
    const current = await this.db.tenant.findUniqueOrThrow({ where: { id: tenantId } });
    const version = current.policyVersion + 1;
    const before = parsePolicy(current.policy);
    const candidate = {
      ...before,
      ...definedFields(input),
      // Within a reminder, null only means "not set".
      ...(input.reminders ? { reminders: input.reminders.map(presentFields) } : {}),
      version,
    };
    const parsed = policySchema.safeParse(candidate);
    if (!parsed.success) throw invalidInput(fieldsFromZod(parsed.error.issues, 'input'));
    await this.requireTemplates(tenantId, parsed.data.reminders.map((r) => r.template));
    const changedPolicy = changedFields({ ...before, version }, { ...parsed.data });
    await this.db.$transaction(async (tx) => {
      // Guarded by the version read above: of two concurrent edits, the second is told rather than lost.
      const stored = await tx.tenant.updateMany({
        where: { id: tenantId, policyVersion: current.policyVersion },
        data: { policy: parsed.data as unknown as Prisma.InputJsonObject, policyVersion: version },
      });
      if (stored.count === 0) {
        throw new ClinicError(ClinicErrorCode.Conflict, 'the policy changed while this update was made; read it again and retry');
      }
      await auditSettingsChange(tx, {
        tenantId,
        actor: apiKeyActor(caller),
        action: 'settings.policy_updated',
        subject: `policy:v${version}`,
        detail: { fromVersion: current.policyVersion, toVersion: version, changed: changedPolicy },
      });
    });
    // New bookings through this process plan with the new policy at once.
    this.cachedTenants.forget(tenantId);
    return this.get(tenantId);
  }

  private async requireTemplates(tenantId: string, kinds: string[]): Promise<void> {
    const known = new Set(
      (await this.db.template.findMany({ where: { tenantId, kind: { in: kinds } }, select: { kind: true } })).map((t) => t.kind),
    );
    const missing: FieldError[] = kinds.flatMap((kind, i) =>
      known.has(kind) ? [] : [{ field: `input.reminders.${i}.template`, message: `no template of kind "${kind}"; add it with upsertTemplate first` }],
    );
    if (missing.length > 0) throw invalidInput(missing);
  }

  private async channels(tenantId: string, current: StoredChannels, input: ChannelsInput): Promise<Prisma.InputJsonObject> {
    const provider = input.provider ?? current.provider ?? 'dev';
    const problems: FieldError[] = [];
    if (!PROVIDERS.includes(provider)) problems.push({ field: 'input.channels.provider', message: `must be one of ${PROVIDERS.join(', ')}` });
    const twilio = input.twilio ? presentFields(input.twilio) : current.twilio;
    if (provider === 'twilio' || input.twilio) {
      const sender = twilioSenderSchema.safeParse(twilio ?? {});
      if (!sender.success) problems.push(...fieldsFromZod(sender.error.issues, 'input.channels.twilio'));
    }
    if (provider === 'twilio') {
      const credentials = await this.db.providerCredential.findUnique({ where: { tenantId_provider: { tenantId, provider } } });
      if (!credentials) {
        problems.push({ field: 'input.channels.provider', message: 'twilio needs the clinic\'s Twilio credentials first (the operator sets them with `aro tenant twilio`)' });
      }
    }
    const rate = input.maxMessagesPerSecond ?? current.maxActivitiesPerSecond;
    const rateProblem = rate === undefined ? undefined : sendRateProblem(rate);
    if (rateProblem) problems.push({ field: 'input.channels.maxMessagesPerSecond', message: rateProblem });
    if (problems.length > 0) throw invalidInput(problems);
    return JSON.parse(JSON.stringify({ ...current, provider, twilio, maxActivitiesPerSecond: rate })) as Prisma.InputJsonObject;
  }
}

/** GraphQL gives null for "turn off" and leaves out what stays; JSON policy wants no undefined keys. */
function definedFields<T extends object>(input: T): Partial<T> {
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function presentFields<T extends object>(input: T): Partial<T> {
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined && v !== null)) as Partial<T>;
}

/** Runs a tenant check, turning its TenantInputError into BAD_USER_INPUT on `input.<field>`. */
async function namingFields<T>(check: () => Promise<T>): Promise<T> {
  try {
    return await check();
  } catch (err) {
    throw err instanceof TenantInputError ? invalidInput([{ field: `input.${err.field}`, message: err.problem }]) : err;
  }
}
