// What a messaging provider (dev outbox, Twilio, ...) must do, and the two ways it may fail.
import type { Channel } from '../../workflows/contracts';

export interface OutboundMessage {
  tenantId: string;
  commandId: string;
  to: string;
  channel: Channel;
  body: string;
}

export interface ProviderReceipt {
  providerMessageId: string;
  /** The provider's status at acceptance (queued, sent, delivered). */
  status: string;
}

export interface MessagingProvider {
  readonly name: string;
  send(message: OutboundMessage): Promise<ProviderReceipt>;
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
