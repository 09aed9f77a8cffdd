// Observing ARO's sends from outside: the `Message` rows its messaging skill writes, read from PostgreSQL.
import type { Db } from '../src/db/prisma';
import { workflowIdOf } from './stack';
import { waitUntil } from './waiting';

export interface SentMessages {
  tenantId: string;
  /** The template kind, e.g. booking_confirmation. */
  kind: string;
  /** The scenario's appointments: those whose external id starts with this. */
  externalIdPrefix: string;
}

/** Epoch ms each appointment's (workflow id's) outbound message was stored, once `count` are. */
export async function waitForMessages(
  db: Db,
  sent: SentMessages,
  count: number,
  timeoutMs: number,
  progress: (line: string) => void,
): Promise<Map<string, number>> {
  const where = {
    tenantId: sent.tenantId,
    kind: sent.kind,
    direction: 'outbound',
    appointmentId: { startsWith: workflowIdOf(sent.tenantId, sent.externalIdPrefix) },
  };
  let lastReport = Date.now();
  await waitUntil(`${count} ${sent.kind} messages`, timeoutMs, async () => {
    const stored = await db.message.count({ where });
    if (Date.now() - lastReport > 5000) {
      progress(`  ${stored}/${count} ${sent.kind} messages stored`);
      lastReport = Date.now();
    }
    return stored >= count;
  });
  const rows = await db.message.findMany({ where, select: { appointmentId: true, createdAt: true } });
  return new Map(rows.map((row) => [row.appointmentId ?? '', row.createdAt.getTime()]));
}
