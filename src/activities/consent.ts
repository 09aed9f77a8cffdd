// Records an opt-out or opt-in in the contact's consent ledger and flips its opt-out state,
// which messaging.send checks before every message. Shared by the workflow's activity, the send
// skill (a carrier's opt-out error) and the provider webhook (the provider's own opt-out keywords).
import type { Db } from '../db/prisma';
import type { ConsentCommand } from '../workflows/contracts';

export async function recordConsentChange(db: Db, cmd: ConsentCommand): Promise<void> {
  const optedOut = cmd.change === 'opt_out';
  await db.$transaction(async (tx) => {
    const contact = await tx.contact.upsert({
      where: { tenantId_phone: { tenantId: cmd.tenantId, phone: cmd.phone } },
      create: { id: `c_${cmd.tenantId}_${cmd.phone}`, tenantId: cmd.tenantId, phone: cmd.phone, optedOut },
      update: { optedOut },
    });
    // The ledger row's id is the caller's dedupe key: a retried write adds no second row.
    await tx.consentChange.createMany({
      data: [
        {
          id: `cc_${cmd.dedupeKey}`,
          contactId: contact.id,
          change: cmd.change,
          source: cmd.source,
          messageId: cmd.messageId,
          detail: cmd.detail,
          at: new Date(cmd.at),
        },
      ],
      skipDuplicates: true,
    });
  });
}

export function createConsentRecord({ db }: { db: Db }) {
  return (cmd: ConsentCommand): Promise<void> => recordConsentChange(db, cmd);
}
