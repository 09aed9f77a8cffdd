// Which appointment a patient's reply is about: the phone's open appointment at the tenant — the next
// one ahead, or failing that the latest one past (a reply after the visit still belongs to it).
import type { Db } from '../../db/prisma';
import { CLOSED_STATUSES } from '../../workflows/contracts';

export interface ActiveAppointment {
  workflowId: string;
  externalId: string;
}

/** Reads the Appointment projection, which may trail the workflow; callers must cope with a closed one. */
export async function findActiveAppointment(
  db: Db,
  tenantId: string,
  phone: string,
  now: Date,
): Promise<ActiveAppointment | null> {
  const open = { tenantId, patientPhone: phone, status: { notIn: [...CLOSED_STATUSES] } };
  const select = { workflowId: true, externalId: true } as const;
  const upcoming = await db.appointment.findFirst({
    where: { ...open, startsAt: { gte: now } },
    orderBy: { startsAt: 'asc' },
    select,
  });
  return (
    upcoming ??
    db.appointment.findFirst({ where: { ...open, startsAt: { lt: now } }, orderBy: { startsAt: 'desc' }, select })
  );
}
