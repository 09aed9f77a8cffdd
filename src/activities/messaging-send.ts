// The `messaging.send` skill: one idempotent outbound message, guarded by consent and quiet
// hours, rendered from the tenant's template in the patient's locale and recorded as a Message.
import { ApplicationFailure } from '@temporalio/common';
import { DateTime, Duration } from 'luxon';
import type { Db } from '../db/prisma';
import type { Prisma } from '../generated/prisma/client';
import { nextAllowedByCap } from '../domain/frequency-cap';
import { isQuiet, quietWindowEnd } from '../domain/quiet-hours';
import { signRescheduleLink } from '../domain/reschedule-link';
import { renderTemplate, templateVariables, UnknownTemplateVariableError } from '../domain/template-render';
import { ErrorType, type SendMessageCommand, type SendOutcome } from '../workflows/contracts';
import { findTemplate } from './template-lookup';
import {
  PermanentDeliveryError,
  TransientDeliveryError,
  type MessagingProvider,
} from './providers/messaging-provider';

export interface MessagingDeps {
  db: Db;
  providers: Record<string, MessagingProvider>;
}

function invalid(message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: ErrorType.InvalidCommand, message, nonRetryable: true });
}

export function createMessagingSend({ db, providers }: MessagingDeps) {
  async function complete(cmd: SendMessageCommand, outcome: SendOutcome): Promise<SendOutcome> {
    await db.skillInvocation.update({
      where: { tenantId_commandId: { tenantId: cmd.tenantId, commandId: cmd.commandId } },
      data: { result: outcome as unknown as Prisma.InputJsonValue, completedAt: new Date() },
    });
    return outcome;
  }

  return async function messagingSend(cmd: SendMessageCommand): Promise<SendOutcome> {
    const key = { tenantId: cmd.tenantId, commandId: cmd.commandId };
    const prior = await db.skillInvocation.findUnique({ where: { tenantId_commandId: key } });
    if (prior?.result) return prior.result as unknown as SendOutcome;

    const tenant = await db.tenant.findUnique({ where: { id: cmd.tenantId } });
    if (!tenant) throw invalid(`unknown tenant ${cmd.tenantId}`);
    if (!prior) {
      await db.skillInvocation.createMany({
        data: [{ ...key, skill: 'messaging.send', request: cmd as unknown as Prisma.InputJsonValue }],
        skipDuplicates: true,
      });
    }

    const contact = await db.contact.upsert({
      where: { tenantId_phone: { tenantId: cmd.tenantId, phone: cmd.to } },
      create: { id: `c_${cmd.tenantId}_${cmd.to}`, tenantId: cmd.tenantId, phone: cmd.to, name: cmd.patientName, locale: cmd.locale },
      update: { name: cmd.patientName, locale: cmd.locale },
    });
    if (contact.optedOut && cmd.urgency !== 'consent') {
      return complete(cmd, { status: 'refused', reason: 'opted_out' });
    }
    const policy = cmd.policy;
    const at = DateTime.fromISO(cmd.at, { zone: 'utc' });
    if (cmd.urgency === 'routine' && isQuiet(at, policy.quietHours, tenant.timeZone)) {
      return complete(cmd, { status: 'refused', reason: 'quiet_hours', detail: `${cmd.at} is inside quiet hours` });
    }
    if (cmd.urgency === 'routine') {
      const previous = await db.message.findMany({
        where: {
          tenantId: cmd.tenantId,
          toPhone: cmd.to,
          direction: 'outbound',
          urgency: 'routine',
          status: { notIn: ['failed', 'undelivered'] },
          sentAt: { gt: at.minus({ days: 7 }).toJSDate(), lte: at.toJSDate() },
        },
        select: { sentAt: true },
      });
      let retryAt = nextAllowedByCap(previous.map((m) => m.sentAt!), at, policy.frequencyCap);
      if (retryAt) {
        if (isQuiet(retryAt, policy.quietHours, tenant.timeZone)) retryAt = quietWindowEnd(retryAt, policy.quietHours!, tenant.timeZone);
        return complete(cmd, {
          status: 'refused',
          reason: 'frequency_cap',
          detail: `${previous.length} routine message(s) in the last 7 days (cap ${policy.frequencyCap.perDay}/day, ${policy.frequencyCap.perWeek}/week)`,
          retryAt: retryAt.toUTC().toISO()!,
        });
      }
    }

    // A crash after the provider accepted but before the result was stored leaves the Message:
    // answer from it instead of sending twice.
    const recorded = await db.message.findUnique({ where: { tenantId_commandId: key } });
    if (recorded?.providerMessageId) {
      return complete(cmd, {
        status: 'sent',
        providerMessageId: recorded.providerMessageId,
        body: recorded.body,
        channel: recorded.channel as SendMessageCommand['channel'],
        providerStatus: recorded.status,
      });
    }

    const locale = cmd.locale ?? tenant.defaultLocale;
    const template = await findTemplate(db, {
      tenantId: cmd.tenantId,
      kind: cmd.template,
      locale,
      channel: cmd.channel,
      tenantLocale: tenant.defaultLocale,
    });
    if (!template) throw invalid(`tenant ${cmd.tenantId} has no template "${cmd.template}" for ${cmd.channel}`);

    const extra: Record<string, string> = { ...cmd.variables };
    if (policy.rescheduleUrl) {
      extra.link = signRescheduleLink({
        baseUrl: policy.rescheduleUrl,
        tenantId: cmd.tenantId,
        externalId: cmd.appointmentExternalId,
        expires: Math.floor(at.plus(Duration.fromISO(policy.rescheduleLinkTtl)).toSeconds()),
        secret: tenant.webhookSecret,
      });
    }
    let body: string;
    try {
      body = renderTemplate(
        template.body,
        templateVariables({
          clinicName: tenant.name,
          timeZone: tenant.timeZone,
          locale: template.locale,
          appointment: cmd.appointment,
          patientName: cmd.patientName,
          extra,
        }),
      );
    } catch (err) {
      if (err instanceof UnknownTemplateVariableError) throw invalid(`template "${cmd.template}" (${template.locale}): ${err.message}`);
      throw err;
    }

    const providerName = (tenant.channels as { provider?: string } | null)?.provider ?? 'dev';
    const provider = providers[providerName];
    if (!provider) throw invalid(`tenant ${cmd.tenantId} uses unknown messaging provider "${providerName}"`);

    let receipt;
    try {
      receipt = await provider.send({ tenantId: cmd.tenantId, commandId: cmd.commandId, to: cmd.to, channel: cmd.channel, body });
    } catch (err) {
      if (err instanceof PermanentDeliveryError) {
        throw ApplicationFailure.create({
          type: ErrorType.ProviderPermanent,
          message: err.message,
          nonRetryable: true,
          details: [{ code: err.code }],
        });
      }
      if (err instanceof TransientDeliveryError) {
        throw ApplicationFailure.create({ type: ErrorType.ProviderTransient, message: err.message, details: [{ code: err.code }] });
      }
      throw err;
    }

    // sentAt is the workflow's instant of sending (wall time in production), so the frequency cap
    // counts in the same clock the workflow schedules in.
    const now = at.toJSDate();
    await db.message.create({
      data: {
        id: `m_${cmd.commandId}`,
        tenantId: cmd.tenantId,
        commandId: cmd.commandId,
        appointmentId: cmd.workflowId,
        direction: 'outbound',
        channel: cmd.channel,
        toPhone: cmd.to,
        kind: cmd.template,
        urgency: cmd.urgency,
        body,
        provider: provider.name,
        providerMessageId: receipt.providerMessageId,
        status: receipt.status,
        sentAt: now,
        deliveredAt: receipt.status === 'delivered' ? now : null,
      },
    });
    return complete(cmd, {
      status: 'sent',
      providerMessageId: receipt.providerMessageId,
      body,
      channel: cmd.channel,
      providerStatus: receipt.status,
    });
  };
}
