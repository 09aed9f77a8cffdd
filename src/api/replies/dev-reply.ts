// A patient's reply played by hand in dev mode (POST /dev/inbound, and devPatientReply in GraphQL):
// one schema and one way in, as if the phone network had delivered it.
import type { Tenant } from '../../generated/prisma/client';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { e164Phone, text } from '../http/payload-fields';
import type { InboundReplies, ReplyRouting } from './inbound-replies.service';

/** Ten concatenated SMS segments: what carriers deliver as one message at most. */
const MAX_SMS_LENGTH = 1600;

// Strict: this is ARO's own tool, so a field it does not know (a channel, say) is a mistake worth naming.
export const devReplySchema = z.strictObject(
  { from: e164Phone, body: text(MAX_SMS_LENGTH) },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? `has unknown fields: ${issue.keys.join(', ')}` : 'must be an object with from and body') },
);

export function playReply(replies: InboundReplies, tenant: Tenant, { from, body }: z.infer<typeof devReplySchema>): Promise<ReplyRouting> {
  return replies.receive(tenant, { from, to: '', body, channel: 'sms', provider: 'dev', providerMessageId: `dev-in-${randomUUID()}` });
}
