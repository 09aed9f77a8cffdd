// The `dev` provider: sends nothing; the Message row that messaging.send records is the outbox,
// visible in the database and through the API. Accepts at once as delivered.
import { createHash } from 'node:crypto';
import type { MessagingProvider, OutboundMessage, ProviderReceipt } from './messaging-provider';

export function createDevOutbox(): MessagingProvider {
  return {
    name: 'dev',
    async send(message: OutboundMessage): Promise<ProviderReceipt> {
      // Derived from the command id so a retried send gets the same provider id.
      const digest = createHash('sha256').update(`${message.tenantId}:${message.commandId}`).digest('hex');
      return { providerMessageId: `dev-${digest.slice(0, 24)}`, status: 'delivered' };
    },
  };
}
