// Reading a clinic's appointments: lists from the PostgreSQL projection, one appointment live from
// its workflow, or from the projection once the workflow has closed. Every read is by the caller's tenant.
import { Inject, Injectable } from '@nestjs/common';
import type { Db } from '../../db/prisma';
import type { Prisma } from '../../generated/prisma/client';
import type { AppointmentSnapshot } from '../../workflows/contracts';
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

  /**
   * Null when the tenant has no such appointment. The state is live from the workflow; the whole
   * thread and timeline come from PostgreSQL (the workflow keeps only their recent part).
   */
  async get(tenantId: string, externalId: string): Promise<Appointment | null> {
    const live = await this.workflows.snapshot(tenantId, externalId);
    return live ? this.withStoredHistory(live) : this.closed(tenantId, externalId);
  }

  /** A workflow's snapshot with the stored timeline and thread. */
  async withStoredHistory(live: AppointmentSnapshot): Promise<Appointment> {
    const [timeline, messages] = await Promise.all([this.timeline(live.tenantId, live.workflowId), this.messages(live.tenantId, live.workflowId)]);
    return appointmentFromSnapshot(live, timeline, messages);
  }

  /** The appointment as the projection last recorded it, or null when it was never projected. */
  async closed(tenantId: string, externalId: string): Promise<Appointment | null> {
    const row = await this.db.appointment.findUnique({ where: { tenantId_externalId: { tenantId, externalId } } });
    if (!row) return null;
    const [timeline, audit, messages] = await Promise.all([
      this.timeline(tenantId, row.workflowId),
      this.db.auditEvent.findMany({ where: { tenantId, subject: row.workflowId }, orderBy: { at: 'asc' } }),
      this.messages(tenantId, row.workflowId),
    ]);
    return appointmentFromProjection(row, timeline, audit, messages);
  }

  private timeline(tenantId: string, workflowId: string) {
    return this.db.timelineEntry.findMany({ where: { tenantId, workflowId }, orderBy: [{ at: 'asc' }, { seq: 'asc' }] });
  }

  private messages(tenantId: string, workflowId: string) {
    return this.db.message.findMany({ where: { tenantId, appointmentId: workflowId }, orderBy: { createdAt: 'asc' } });
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
