// Connecting a tenant to its own Twilio account: the credentials sealed, the senders and send rate
// in its channel settings, and Twilio made its messaging provider — all at once or not at all.
import type { Db } from '../db/prisma';
import type { Prisma } from '../generated/prisma/client';
import type { CredentialCipher } from '../secrets/credential-cipher';
import { saveProviderCredentials } from '../secrets/provider-credentials';
import { twilioCredentialsSchema, twilioSenderSchema } from '../twilio/twilio-settings';
import { sendRateProblem } from './send-rate';

export interface TwilioSetupInput {
  accountSid: string;
  authToken: string;
  messagingServiceSid?: string;
  from?: string;
  whatsappFrom?: string;
  /** The account's send rate (messages a second); becomes the tenant queue's server-side limit. */
  maxMessagesPerSecond?: number;
}

/** Bad setup, naming the field. */
export class TwilioSetupInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TwilioSetupInputError';
  }
}

function check<T>(result: { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } }): T {
  if (result.success) return result.data;
  throw new TwilioSetupInputError(result.error.issues.map((i) => `${i.path.join('.') || 'sender'}: ${i.message}`).join('; '));
}

export async function configureTwilio(db: Db, cipher: CredentialCipher, tenantId: string, input: TwilioSetupInput): Promise<void> {
  const credentials = check(twilioCredentialsSchema.safeParse({ accountSid: input.accountSid, authToken: input.authToken }));
  const sender = check(
    twilioSenderSchema.safeParse({ messagingServiceSid: input.messagingServiceSid, from: input.from, whatsappFrom: input.whatsappFrom }),
  );
  const rate = input.maxMessagesPerSecond;
  const rateProblem = rate === undefined ? undefined : sendRateProblem(rate);
  if (rateProblem) throw new TwilioSetupInputError(`maxMessagesPerSecond (--rate): ${rateProblem}`);

  const tenant = await db.tenant.findUnique({ where: { id: tenantId } });
  if (!tenant) throw new TwilioSetupInputError(`id: no tenant with id "${tenantId}"`);
  const channels = {
    ...(tenant.channels as Record<string, unknown>),
    provider: 'twilio',
    twilio: JSON.parse(JSON.stringify(sender)) as Prisma.InputJsonObject,
    ...(rate !== undefined ? { maxActivitiesPerSecond: rate } : {}),
  };
  await db.$transaction(async (tx) => {
    await saveProviderCredentials(tx, cipher, tenantId, 'twilio', credentials);
    await tx.tenant.update({ where: { id: tenantId }, data: { channels } });
  });
}
