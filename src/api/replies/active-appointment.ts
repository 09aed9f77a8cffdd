// Which appointment a patient's reply is about: the phone's open appointment at the tenant — the
// nearest one ahead, or failing that the latest one past (a reply after the visit still belongs to
// it) — and which others it could have been, so the choice can be recorded.
import type { Db } from '../../db/prisma';
import { CLOSED_STATUSES } from '../../workflows/contracts';

export interface ActiveAppointment {
  workflowId: string;
  externalId: string;
  startsAt: Date;
  /** The phone's other open appointments, passed over (nearest first). */
  passedOver: { workflowId: string; startsAt: Date }[];
}

/** Reads the Appointment projection, which may trail the workflow; callers must cope with a closed one. */
export async function findActiveAppointment(
  db: Db,
  tenantId: string,
  phone: string,
  now: Date,
): Promise<ActiveAppointment | null> {
  const open = await db.appointment.findMany({
    where: { tenantId, patientPhone: phone, status: { notIn: [...CLOSED_STATUSES] } },
    select: { workflowId: true, externalId: true, startsAt: true },
  });
  const upcoming = open.filter((a) => a.startsAt >= now).sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
  const past = open.filter((a) => a.startsAt < now).sort((a, b) => b.startsAt.getTime() - a.startsAt.getTime());
  const [chosen, ...others] = [...upcoming, ...past];
  if (!chosen) return null;
  return { ...chosen, passedOver: others.map(({ workflowId, startsAt }) => ({ workflowId, startsAt })) };
}
