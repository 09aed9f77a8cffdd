// The `messaging.send` skill: one idempotent outbound message, guarded by consent, quiet hours, the
// frequency cap and the plan's allowance, rendered from the tenant's template in the patient's
// locale, recorded before it is handed to the provider and completed with the provider's id after.
import { ApplicationFailure } from '@temporalio/common';
import { DateTime, Duration } from 'luxon';
import type { Db } from '../db/prisma';
import type { Tenant } from '../generated/prisma/client';
import type { PlanLimits } from '../domain/plan-limits';
import { isQuiet } from '../domain/quiet-hours';
import { signRescheduleLink } from '../domain/reschedule-link';
import { smsSegments } from '../domain/sms-segments';
import { renderTemplate, templateVariables, UnknownTemplateVariableError } from '../domain/template-render';
import type { CredentialCipher } from '../secrets/credential-cipher';
import { openProviderCredentials } from '../secrets/provider-credentials';
import { ErrorType, type SendMessageCommand, type SendOutcome } from '../workflows/contracts';
import { ExpiringCache } from '../api/tenants/expiring-cache';
import { recordConsentChange } from './consent';
import { adoptEarlyReceipts, type ProviderMessage } from './delivery-receipts';
import { capHold } from './frequency-cap-hold';
import { usageCheck, usageMonth, warnClinic } from './message-usage';
import { completeSend, completeSent, openSend, recordPending, recordSent, type OpenedSend } from './send-record';
import { chooseTemplate, templatesOfKind, type SendableTemplate } from './template-lookup';
import { admitPooledSend, tenantSendRate } from './tenant-send-pace';
import {
  PermanentDeliveryError,
  TransientDeliveryError,
  type MessagingProvider,
  type OutboundMessage,
  type ProviderReceipt,
  type TenantChannel,
} from './providers/messaging-provider';

export interface MessagingDeps {
  db: Db;
  providers: Record<string, MessagingProvider>;
  cipher: CredentialCipher;
  /** ARO's public URL (ARO_PUBLIC_URL), where providers report delivery statuses. */
  publicUrl?: string;
  planLimits: PlanLimits;
  /**
   * How long the skill keeps the tenant's row, templates and opened provider credentials
   * (ARO_TENANT_CACHE_TTL_MS): a change made through the API reaches sends within this. 0 or absent:
   * read on every send.
   */
  tenantCacheTtlMs?: number;
}

/** WhatsApp lets a business write freely only this long after the patient's last message. */
const WHATSAPP_SESSION_HOURS = 24;
/** A recovering retry looks for the earlier attempt's message from a little before it was recorded (clock skew). */
const RECOVERY_SKEW_MS = 60_000;

function invalid(message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: ErrorType.InvalidCommand, message, nonRetryable: true });
}

/** The provider's failure as the typed failure the workflow's retry policy understands; nothing else of it travels. */
function providerFailure(err: PermanentDeliveryError | TransientDeliveryError): ApplicationFailure {
  const permanent = err instanceof PermanentDeliveryError;
  return ApplicationFailure.create({
    type: permanent ? ErrorType.ProviderPermanent : ErrorType.ProviderTransient,
    message: err.message,
    nonRetryable: permanent,
    details: [{ code: err.code }],
  });
}

export interface SendPacing {
  /**
   * Whether the clinic's send rate is kept by the skill (in a pool, whose queue many clinics share)
   * rather than by the server's limit on the clinic's own queue.
   */
  paced?: boolean;
}

/**
 * @param servedTenantId the tenant whose queue this activity serves: it opens that tenant's
 *   credentials only, whatever a command says.
 */
export function createMessagingSend(deps: MessagingDeps, servedTenantId: string, { paced = false }: SendPacing = {}) {
  const { db, providers, cipher, publicUrl, planLimits } = deps;
  // Every send of this tenant's queue reads these, and they change rarely (through the clinic's
  // settings): kept for the cache TTL instead of read per send. Only this tenant's are kept.
  const ttlMs = deps.tenantCacheTtlMs ?? 0;
  const tenantRow = new ExpiringCache<Tenant | null>(ttlMs);
  const templates = new ExpiringCache<SendableTemplate[]>(ttlMs);
  const credentials = new ExpiringCache<unknown>(ttlMs);

  async function complete(cmd: SendMessageCommand, outcome: SendOutcome): Promise<SendOutcome> {
    await completeSend(db, cmd, outcome);
    return outcome;
  }

  /**
   * Sent: the outcome stored, with the message's status as it then stands — perhaps delivered
   * already, or failed, when receipts overtook the provider's answer (adoptEarlyReceipts applies them).
   * `statusAtSend`: the status the send stored.
   */
  async function completeAsSent(cmd: SendMessageCommand, message: ProviderMessage, body: string, statusAtSend: string): Promise<SendOutcome> {
    const outcome = sentOutcome(cmd, message.providerMessageId, body, { status: statusAtSend, errorCode: null });
    const now = await completeSent(db, cmd, outcome, message);
    if (!now.receiptsWaiting && now.status === statusAtSend && !now.errorCode) return outcome;
    // Moved on since it was stored: the outcome says how it stands now.
    const settled = sentOutcome(cmd, message.providerMessageId, body, now.receiptsWaiting ? await adoptEarlyReceipts(db, message) : now);
    return complete(cmd, settled);
  }

  function sentOutcome(cmd: SendMessageCommand, providerMessageId: string, body: string, now: { status: string; errorCode: string | null }): SendOutcome {
    const window = cmd.policy.whatsappDeliveryWindow;
    const deliveryCheckAt =
      cmd.channel === 'whatsapp' && window
        ? DateTime.fromISO(cmd.at, { zone: 'utc' }).plus(Duration.fromISO(window)).toISO()!
        : undefined;
    return {
      status: 'sent',
      providerMessageId,
      body,
      channel: cmd.channel,
      providerStatus: now.status,
      ...(now.errorCode ? { providerErrorCode: now.errorCode } : {}),
      ...(deliveryCheckAt ? { deliveryCheckAt } : {}),
    };
  }

  /** Whether the patient wrote on WhatsApp within the last 24 hours, which opens a free-form session. */
  async function inWhatsappSession(cmd: SendMessageCommand): Promise<boolean> {
    const since = DateTime.fromISO(cmd.at, { zone: 'utc' }).minus({ hours: WHATSAPP_SESSION_HOURS }).toJSDate();
    const last = await db.message.findFirst({
      where: { tenantId: cmd.tenantId, fromPhone: cmd.to, direction: 'inbound', channel: 'whatsapp', createdAt: { gt: since } },
      select: { id: true },
    });
    return last !== null;
  }

  /** Outside the session window WhatsApp takes only an approved template, with its variables filled in. */
  async function whatsappContent(cmd: SendMessageCommand, template: SendableTemplate, variables: Record<string, string>) {
    if (await inWhatsappSession(cmd)) return undefined;
    if (!template.contentSid) {
      throw providerFailure(
        new PermanentDeliveryError(
          `template "${cmd.template}" (${template.locale}, ${template.channel}) has no contentSid: WhatsApp needs an approved template outside the 24-hour session window`,
          '63016',
        ),
      );
    }
    const mapping = (template.contentVariables ?? {}) as Record<string, string>;
    const filled: Record<string, string> = {};
    for (const [placeholder, name] of Object.entries(mapping)) {
      if (!(name in variables)) throw invalid(`template "${cmd.template}" contentVariables.${placeholder}: unknown variable "${name}"`);
      filled[placeholder] = variables[name];
    }
    return { sid: template.contentSid, variables: filled };
  }

  async function render(cmd: SendMessageCommand, tenant: Tenant) {
    const locale = cmd.locale ?? tenant.defaultLocale;
    const stored = await templates.get(cmd.template, () => templatesOfKind(db, cmd.tenantId, cmd.template));
    const template = chooseTemplate(stored, { kind: cmd.template, locale, channel: cmd.channel, tenantLocale: tenant.defaultLocale });
    if (!template) throw invalid(`tenant ${cmd.tenantId} has no template "${cmd.template}" for ${cmd.channel}`);
    const extra: Record<string, string> = { ...cmd.variables };
    if (cmd.policy.rescheduleUrl) {
      extra.link = signRescheduleLink({
        baseUrl: cmd.policy.rescheduleUrl,
        tenantId: cmd.tenantId,
        externalId: cmd.appointmentExternalId,
        expires: Math.floor(DateTime.fromISO(cmd.at, { zone: 'utc' }).plus(Duration.fromISO(cmd.policy.rescheduleLinkTtl)).toSeconds()),
        secret: tenant.webhookSecret,
        proposed: cmd.rescheduleProposal,
      });
    }
    const variables = templateVariables({
      clinicName: tenant.name,
      timeZone: tenant.timeZone,
      locale: template.locale,
      appointment: cmd.appointment,
      patientName: cmd.patientName,
      extra,
    });
    try {
      return { template, variables, body: renderTemplate(template.body, variables) };
    } catch (err) {
      if (err instanceof UnknownTemplateVariableError) throw invalid(`template "${cmd.template}" (${template.locale}): ${err.message}`);
      throw err;
    }
  }

  /** A routine message the cap or quiet hours hold back, or null when it may go. */
  function policyRefusal(cmd: SendMessageCommand, tenant: Tenant, opened: OpenedSend): SendOutcome | null {
    if (cmd.urgency !== 'routine') return null;
    const policy = cmd.policy;
    const at = DateTime.fromISO(cmd.at, { zone: 'utc' });
    if (isQuiet(at, policy.quietHours, tenant.timeZone)) {
      return { status: 'refused', reason: 'quiet_hours', detail: `${cmd.at} is inside quiet hours` };
    }
    const hold = capHold(opened.recentRoutine, { at, cap: policy.frequencyCap, quietHours: policy.quietHours, timeZone: tenant.timeZone });
    if (!hold) return null;
    return {
      status: 'refused',
      reason: 'frequency_cap',
      detail: `${hold.previous} routine message(s) in the last 7 days (cap ${policy.frequencyCap.perDay}/day, ${policy.frequencyCap.perWeek}/week)`,
      retryAt: hold.until.toUTC().toISO()!,
    };
  }

  /** The provider's answer; a retry whose earlier attempt may have gone out asks the provider first. */
  async function deliver(
    provider: MessagingProvider,
    message: OutboundMessage,
    channel: TenantChannel,
    earlierAttemptAt: Date | null,
  ): Promise<ProviderReceipt> {
    try {
      if (earlierAttemptAt && provider.findSent) {
        const known = async (providerMessageId: string) =>
          (await db.message.count({ where: { provider: provider.name, providerMessageId } })) > 0;
        const found = await provider.findSent(message, new Date(earlierAttemptAt.getTime() - RECOVERY_SKEW_MS), channel, known);
        if (found) return found;
      }
      return await provider.send(message, channel);
    } catch (err) {
      if (err instanceof PermanentDeliveryError || err instanceof TransientDeliveryError) throw err;
      throw new TransientDeliveryError(`${provider.name} failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  return async function messagingSend(cmd: SendMessageCommand): Promise<SendOutcome> {
    if (cmd.tenantId !== servedTenantId) {
      throw invalid(`command for tenant ${cmd.tenantId} reached the queue of tenant ${servedTenantId}`);
    }
    const tenant = await tenantRow.get(cmd.tenantId, () => db.tenant.findUnique({ where: { id: cmd.tenantId } }));
    if (!tenant) throw invalid(`unknown tenant ${cmd.tenantId}`);
    const month = usageMonth(cmd.at, tenant.timeZone);
    const opened = await openSend(db, cmd, month, cmd.urgency === 'routine' ? DateTime.fromISO(cmd.at, { zone: 'utc' }) : null);
    if (opened.priorOutcome) return opened.priorOutcome;

    // Recorded with the provider's id: an earlier attempt sent it and crashed before completing.
    // Answered before any check, which would now count this very message against the cap.
    const recorded = opened.recorded;
    if (recorded?.providerMessageId) {
      const message = { tenantId: cmd.tenantId, provider: recorded.provider, providerMessageId: recorded.providerMessageId };
      return completeAsSent(cmd, message, recorded.body, recorded.status);
    }

    if (opened.optedOut && cmd.urgency !== 'consent') {
      return complete(cmd, { status: 'refused', reason: 'opted_out' });
    }
    const refusal = policyRefusal(cmd, tenant, opened);
    if (refusal) return complete(cmd, refusal);

    const usage = usageCheck(opened.monthSent, tenant, cmd.at, planLimits);
    if (usage.verdict === 'hard_limit' && cmd.urgency === 'routine') {
      if (!opened.warned.hardLimit) await warnClinic(db, tenant.id, usage, 'hard_limit');
      return complete(cmd, {
        status: 'refused',
        reason: 'plan_limit',
        detail: `${usage.sent} of ${usage.limit} messages of the ${tenant.plan} plan used in ${usage.month}`,
      });
    }

    const providerName = (tenant.channels as { provider?: string } | null)?.provider ?? 'dev';
    const provider = providers[providerName];
    if (!provider) throw invalid(`tenant ${cmd.tenantId} uses unknown messaging provider "${providerName}"`);

    // Staff's own words go as written, by SMS only (WhatsApp outside its session takes approved templates alone).
    if (cmd.text !== undefined && cmd.channel !== 'sms') throw invalid(`staff messages go by SMS, not ${cmd.channel}`);
    const rendered = cmd.text === undefined ? await render(cmd, tenant) : undefined;
    const body = rendered?.body ?? cmd.text!;
    const content = cmd.channel === 'whatsapp' && rendered ? await whatsappContent(cmd, rendered.template, rendered.variables) : undefined;

    // Only a message about to go takes one of the clinic's send slots: not a refusal, nor the answer
    // to a command already completed.
    const rate = paced ? tenantSendRate(tenant) : null;
    if (rate !== null) await admitPooledSend(db, tenant.id, rate);

    // The command id is stored before the provider is asked; its id is stored after. A row without
    // one means an earlier attempt may have sent it: deliver() then asks the provider first.
    if (!recorded) await recordPending(db, cmd, provider.name, body);
    const channel: TenantChannel = {
      tenantId: tenant.id,
      settings: tenant.channels,
      credentials: () => credentials.get(provider.name, () => openProviderCredentials(db, cipher, tenant.id, provider.name)),
      publicUrl,
    };
    const outbound: OutboundMessage = { tenantId: cmd.tenantId, commandId: cmd.commandId, to: cmd.to, channel: cmd.channel, body, content };
    let receipt: ProviderReceipt;
    try {
      receipt = await deliver(provider, outbound, channel, recorded?.createdAt ?? null);
    } catch (err) {
      const failure = err as PermanentDeliveryError | TransientDeliveryError;
      if (failure instanceof PermanentDeliveryError) {
        await db.message.update({ where: { tenantId_commandId: { tenantId: cmd.tenantId, commandId: cmd.commandId } }, data: { status: 'failed', errorCode: failure.code, failedAt: new Date() } });
        if (failure.code === '21610') {
          // The carrier says the patient opted out (replied STOP to the number): the ledger must agree.
          await recordConsentChange(db, {
            tenantId: cmd.tenantId,
            dedupeKey: `${cmd.commandId}:provider-opt-out`,
            phone: cmd.to,
            change: 'opt_out',
            source: 'provider',
            detail: failure.message,
            at: cmd.at,
          });
          // Twilio's own opt-out handling has already confirmed it to the patient: ARO's confirmation
          // is not missing, so nothing needs the clinic's attention.
          if (cmd.urgency === 'consent') {
            return complete(cmd, { status: 'refused', reason: 'opted_out', detail: 'Twilio already confirmed the opt-out (21610)' });
          }
        }
      }
      throw providerFailure(failure);
    }

    // sentAt is the workflow's instant of sending (wall time in production), so the frequency cap
    // counts in the same clock the workflow schedules in.
    const segments = receipt.segments ?? (cmd.channel === 'sms' ? smsSegments(body) : 1);
    await recordSent(db, cmd, month, { providerMessageId: receipt.providerMessageId, status: receipt.status, segments, sentAt: new Date(cmd.at) });
    if (usage.verdict === 'soft_limit' && !opened.warned.softLimit) await warnClinic(db, tenant.id, usage, 'soft_limit');
    const sent = { tenantId: cmd.tenantId, provider: provider.name, providerMessageId: receipt.providerMessageId };
    return completeAsSent(cmd, sent, body, receipt.status);
  };
}
