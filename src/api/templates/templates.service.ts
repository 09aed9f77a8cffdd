// A clinic's message templates: listed, stored (and audited) after a check that every {{variable}} exists, and
// previewed with sample data as patients will read them — by the same renderer that sends them.
import { Inject, Injectable } from '@nestjs/common';
import { DateTime, Duration } from 'luxon';
import { findTemplate } from '../../activities/template-lookup';
import type { Db } from '../../db/prisma';
import { parsePolicy } from '../../domain/policy';
import { signRescheduleLink } from '../../domain/reschedule-link';
import { smsSegments } from '../../domain/sms-segments';
import { renderTemplate, templateVariables, UnknownTemplateVariableError } from '../../domain/template-render';
import type { Tenant } from '../../generated/prisma/client';
import { randomId } from '../../tenants/create-tenant';
import type { AppointmentDetails, Channel } from '../../workflows/contracts';
import { apiKeyActor, auditSettingsChange } from '../../tenants/settings-audit';
import type { TenantCaller } from '../graphql/auth/api-callers';
import { invalidInput, notFound } from '../graphql/clinic-errors';
import type { PreviewSampleInput, TemplateInput, TemplatePreviewInput } from '../graphql/dto/template.input';
import type { Template, TemplatePreview } from '../graphql/models/template.model';
import { DB } from '../tokens';

@Injectable()
export class Templates {
  constructor(@Inject(DB) private readonly db: Db) {}

  async list(tenantId: string): Promise<Template[]> {
    const rows = await this.db.template.findMany({ where: { tenantId }, orderBy: [{ kind: 'asc' }, { locale: 'asc' }, { channel: 'asc' }] });
    return rows.map((t) => ({ ...t, channel: t.channel as Channel }));
  }

  async upsert(caller: TenantCaller, input: TemplateInput): Promise<Template> {
    const { tenantId } = caller;
    const tenant = await this.db.tenant.findUniqueOrThrow({ where: { id: tenantId } });
    render(input.body, sampleVariables(tenant, input.locale, {}), 'input.body');
    const key = { tenantId, kind: input.kind, locale: input.locale, channel: input.channel };
    const row = await this.db.$transaction(async (tx) => {
      const previous = await tx.template.findUnique({ where: { tenantId_kind_locale_channel: key }, select: { body: true } });
      const stored = await tx.template.upsert({
        where: { tenantId_kind_locale_channel: key },
        create: { id: randomId('tpl_'), ...key, body: input.body },
        update: { body: input.body },
      });
      await auditSettingsChange(tx, {
        tenantId,
        actor: apiKeyActor(caller),
        action: 'settings.template_upserted',
        subject: `template:${key.kind}/${key.locale}/${key.channel}`,
        detail: { created: previous === null, body: { from: previous?.body ?? null, to: input.body } },
      });
      return stored;
    });
    return { ...row, channel: row.channel as Channel };
  }

  async preview(tenantId: string, input: TemplatePreviewInput): Promise<TemplatePreview> {
    const tenant = await this.db.tenant.findUniqueOrThrow({ where: { id: tenantId } });
    const locale = input.locale ?? tenant.defaultLocale;
    const channel = input.channel ?? 'sms';
    let body = input.body;
    if (body === null || body === undefined) {
      const stored = await findTemplate(this.db, { tenantId, kind: input.kind, locale, channel, tenantLocale: tenant.defaultLocale });
      if (!stored) throw notFound(`no template "${input.kind}" for ${channel} in ${locale} (or a fallback language)`);
      body = stored.body;
    }
    const variables = sampleVariables(tenant, locale, input.sample ?? {});
    const text = render(body, variables, input.body ? 'input.body' : 'input.kind');
    return {
      body: text,
      segments: channel === 'sms' ? smsSegments(text) : 1,
      variables: Object.entries(variables).map(([name, value]) => ({ name, value })),
    };
  }
}

/**
 * What messaging.send would fill in for this appointment. {{link}} exists only when the policy has a
 * reschedule page, exactly as when sending, so a template using it without one is refused here.
 */
function sampleVariables(tenant: Tenant, locale: string, sample: PreviewSampleInput): Record<string, string> {
  const startsAt = sample.startsAt ?? DateTime.now().setZone(tenant.timeZone).plus({ days: 1 }).set({ hour: 10, minute: 0, second: 0, millisecond: 0 }).toJSDate();
  const appointment: AppointmentDetails = {
    externalId: 'sample',
    startsAt: startsAt.toISOString(),
    durationMinutes: sample.durationMinutes ?? 30,
    patient: { name: sample.patientName ?? 'Alex Morgan', phone: '+15550000000', locale },
    provider: sample.provider ?? 'Dr. Rivera',
    location: sample.location ?? 'Room 2',
  };
  const policy = parsePolicy(tenant.policy);
  const extra: Record<string, string> = {};
  if (policy.rescheduleUrl) {
    extra.link = signRescheduleLink({
      baseUrl: policy.rescheduleUrl,
      tenantId: tenant.id,
      externalId: appointment.externalId,
      expires: Math.floor(DateTime.now().plus(Duration.fromISO(policy.rescheduleLinkTtl)).toSeconds()),
      secret: tenant.webhookSecret,
    });
  }
  return templateVariables({ clinicName: tenant.name, timeZone: tenant.timeZone, locale, appointment, patientName: appointment.patient.name, extra });
}

function render(body: string, variables: Record<string, string>, field: string): string {
  try {
    return renderTemplate(body, variables);
  } catch (err) {
    if (!(err instanceof UnknownTemplateVariableError)) throw err;
    const hint =
      err.variable === 'link'
        ? '{{link}} needs a reschedule page: set the policy\'s rescheduleUrl first'
        : `known variables: ${Object.keys(variables).map((v) => `{{${v}}}`).join(', ')}`;
    throw invalidInput([{ field, message: `${err.message}; ${hint}` }], { variable: err.variable });
  }
}
