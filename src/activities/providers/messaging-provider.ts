// What a messaging provider (dev outbox, Twilio, ...) must do, and the two ways it may fail.
import type { Channel } from '../../workflows/contracts';

export interface OutboundMessage {
  tenantId: string;
  commandId: string;
  to: string;
  channel: Channel;
  /** The rendered text; what is recorded even when an approved template is sent instead. */
  body: string;
  /** An approved WhatsApp template to send instead of `body` (outside the 24-hour session window). */
  content?: { sid: string; variables: Record<string, string> };
}

export interface ProviderReceipt {
  providerMessageId: string;
  /** The provider's status at acceptance (queued, sent, delivered). */
  status: string;
  /** Billable segments, when the provider says. */
  segments?: number;
}

/** What a provider may use of the tenant it sends for; built inside that tenant's skill activity. */
export interface TenantChannel {
  tenantId: string;
  /** The tenant's non-secret channel settings (Tenant.channels). */
  settings: unknown;
  /** Opens the tenant's sealed credentials for this provider (null when none); call only when sending. */
  credentials(): Promise<unknown>;
  /** ARO's public URL, for the provider's callbacks (delivery statuses). */
  publicUrl?: string;
}

export interface MessagingProvider {
  readonly name: string;
  send(message: OutboundMessage, tenant: TenantChannel): Promise<ProviderReceipt>;
  /**
   * Finds the message an earlier attempt of this same command sent, if it did (a crash after the
   * provider accepted but before ARO recorded its id), so a retry does not send twice. Providers
   * whose send is itself idempotent by command id need none.
   */
  findSent?(message: OutboundMessage, since: Date, tenant: TenantChannel, known: (providerMessageId: string) => Promise<boolean>): Promise<ProviderReceipt | null>;
}

/** The provider refused for good (invalid number, blocked sender): retrying cannot help. */
export class PermanentDeliveryError extends Error {
  constructor(message: string, readonly code?: string) {
    super(message);
  }
}

/** The provider failed in a way that may pass (5xx, 429, timeout): retry with backoff. */
export class TransientDeliveryError extends Error {
  constructor(message: string, readonly code?: string) {
    super(message);
  }
}
