// Reading a clinic's appointments: lists from the PostgreSQL projection, one appointment live from
// its workflow, or from the projection once the workflow has closed. Every read is by the caller's tenant.
import { Inject, Injectable } from '@nestjs/common';
import type { Db } from '../../db/prisma';
import type { Prisma } from '../../generated/prisma/client';
import type { AppointmentFilter } from '../graphql/dto/appointment-filter.input';
import type { PageArgs } from '../graphql/dto/page.args';
import type { Appointment, AppointmentSummary } from '../graphql/models/appointment.model';
import type { ConnectionShape } from '../graphql/models/connection.model';
import { decodeCursor, toConnection } from '../graphql/pagination';
import { DB } from '../tokens';
import { AppointmentWorkflows } from './appointment-workflows.service';
import { appointmentFromProjection, appointmentFromSnapshot, summaryFromProjection } from './appointment-view';

@Injectable()
export class AppointmentReads {
  constructor(
    @Inject(DB) private readonly db: Db,
    private readonly workflows: AppointmentWorkflows,
  ) {}

  /** Soonest first; the cursor is the last item's (start, externalId). */
  async list(tenantId: string, filter: AppointmentFilter | null | undefined, page: PageArgs): Promise<ConnectionShape<AppointmentSummary>> {
    const where = appointmentWhere(tenantId, filter ?? {});
    const after = decodeCursor(page.after, 2);
    const afterWhere: Prisma.AppointmentWhereInput = after
      ? {
          OR: [
            { startsAt: { gt: new Date(after[0]) } },
            { startsAt: new Date(after[0]), externalId: { gt: after[1] } },
          ],
        }
      : {};
    const [rows, totalCount] = await Promise.all([
      this.db.appointment.findMany({
        where: { AND: [where, afterWhere] },
        orderBy: [{ startsAt: 'asc' }, { externalId: 'asc' }],
        take: page.first + 1,
      }),
      this.db.appointment.count({ where }),
    ]);
    return toConnection(rows, page.first, totalCount, (r) => [r.startsAt.toISOString(), r.externalId], summaryFromProjection);
  }

  /** Null when the tenant has no such appointment. */
  async get(tenantId: string, externalId: string): Promise<Appointment | null> {
    const live = await this.workflows.snapshot(tenantId, externalId);
    if (live) return appointmentFromSnapshot(live);
    return this.closed(tenantId, externalId);
  }

  /** The appointment as the projection last recorded it, or null when it was never projected. */
  async closed(tenantId: string, externalId: string): Promise<Appointment | null> {
    const row = await this.db.appointment.findUnique({ where: { tenantId_externalId: { tenantId, externalId } } });
    if (!row) return null;
    const [audit, messages] = await Promise.all([
      this.db.auditEvent.findMany({ where: { tenantId, subject: row.workflowId }, orderBy: { at: 'asc' } }),
      this.db.message.findMany({ where: { tenantId, appointmentId: row.workflowId }, orderBy: { createdAt: 'asc' } }),
    ]);
    return appointmentFromProjection(row, audit, messages);
  }
}

function appointmentWhere(tenantId: string, filter: AppointmentFilter): Prisma.AppointmentWhereInput {
  return {
    tenantId,
    ...(filter.status?.length ? { status: { in: filter.status } } : {}),
    ...(filter.startsFrom || filter.startsBefore
      ? { startsAt: { ...(filter.startsFrom ? { gte: filter.startsFrom } : {}), ...(filter.startsBefore ? { lt: filter.startsBefore } : {}) } }
      : {}),
    ...(typeof filter.needsAttention === 'boolean' ? { needsAttention: filter.needsAttention } : {}),
    ...(filter.patientName?.trim() ? { patientName: { contains: filter.patientName.trim(), mode: 'insensitive' as const } } : {}),
  };
}
