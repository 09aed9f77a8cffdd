// Turns a stored tenant (its JSON policy and channel settings) into what the clinic's API shows.
import { parsePolicy } from '../../domain/policy';
import type { Tenant as TenantRow } from '../../generated/prisma/client';
import { DEFAULT_AUTO_REPLY_LIMIT, DEFAULT_CANCEL_QUESTION_TTL, type Policy as PolicyContract } from '../../workflows/contracts';
import type { Policy } from '../graphql/models/policy.model';
import type { Channels, Tenant } from '../graphql/models/tenant.model';

/** Tenant.channels as stored: the provider's name, Twilio's senders, the send rate. */
export interface StoredChannels {
  provider?: string;
  twilio?: { messagingServiceSid?: string; from?: string; whatsappFrom?: string };
  maxActivitiesPerSecond?: number;
}

export function tenantView(row: TenantRow): Tenant {
  return {
    id: row.id,
    name: row.name,
    timeZone: row.timeZone,
    defaultLocale: row.defaultLocale,
    plan: row.plan,
    policyVersion: row.policyVersion,
    policy: policyView(parsePolicy(row.policy)),
    channels: channelsView((row.channels ?? {}) as StoredChannels),
    createdAt: row.createdAt,
  };
}

function policyView(p: PolicyContract): Policy {
  return {
    ...p,
    reminders: p.reminders.map((r) => ({ ...r, asksConfirmation: r.asksConfirmation ?? false, onlyIf: r.onlyIf ?? null })),
    whatsappDeliveryWindow: p.whatsappDeliveryWindow ?? null,
    autoReplyLimit: p.autoReplyLimit ?? DEFAULT_AUTO_REPLY_LIMIT,
    confirmCancelByReply: p.confirmCancelByReply ?? true,
    cancelQuestionTtl: p.cancelQuestionTtl ?? DEFAULT_CANCEL_QUESTION_TTL,
  };
}

function channelsView(c: StoredChannels): Channels {
  return {
    provider: c.provider ?? 'dev',
    twilio: c.twilio
      ? { messagingServiceSid: c.twilio.messagingServiceSid ?? null, from: c.twilio.from ?? null, whatsappFrom: c.twilio.whatsappFrom ?? null }
      : null,
    maxMessagesPerSecond: c.maxActivitiesPerSecond ?? null,
  };
}
