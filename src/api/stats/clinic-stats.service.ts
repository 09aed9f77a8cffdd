// A clinic's figures over a range, read from what the workflows recorded: the appointment
// projection, the audit log (confirmations, reschedules, replies passed to staff) and the messages.
import { Inject, Injectable } from '@nestjs/common';
import type { Db } from '../../db/prisma';
import { invalidInput } from '../graphql/clinic-errors';
import type { Stats } from '../graphql/models/stats.model';
import type { Channel } from '../../workflows/contracts';
import { DB } from '../tokens';

@Injectable()
export class ClinicStats {
  constructor(@Inject(DB) private readonly db: Db) {}

  async over(tenantId: string, from: Date, to: Date): Promise<Stats> {
    if (to <= from) throw invalidInput([{ field: 'to', message: 'must be after from' }]);
    const starting = { tenantId, startsAt: { gte: from, lt: to } };
    const sent = { gte: from, lt: to };
    const [byStatus, needingAttention, [actions], messages, repliesReceived, repliesNeedingAttention] = await Promise.all([
      this.db.appointment.groupBy({ by: ['status'], where: starting, _count: { _all: true } }),
      this.db.appointment.count({ where: { ...starting, needsAttention: true } }),
      // Confirmed at some point counts even once the visit is completed; each move counts as one reschedule.
      this.db.$queryRaw<{ confirmed: bigint; reschedules: bigint }[]>`
        SELECT count(DISTINCT a."workflowId") FILTER (WHERE e."action" = 'appointment.confirmed') AS confirmed,
               count(*) FILTER (WHERE e."action" = 'appointment.rescheduled') AS reschedules
        FROM "Appointment" a
        JOIN "AuditEvent" e ON e."tenantId" = a."tenantId" AND e."subject" = a."workflowId"
        WHERE a."tenantId" = ${tenantId} AND a."startsAt" >= ${from} AND a."startsAt" < ${to}
          AND e."action" IN ('appointment.confirmed', 'appointment.rescheduled')`,
      this.db.message.groupBy({
        by: ['channel'],
        where: { tenantId, direction: 'outbound', sentAt: sent },
        orderBy: { channel: 'asc' },
        _count: { _all: true },
        _sum: { segments: true },
      }),
      this.db.message.count({ where: { tenantId, direction: 'inbound', createdAt: sent } }),
      this.db.auditEvent.count({ where: { tenantId, action: 'reply.needs_attention', at: sent } }),
    ]);
    const count = (status: string) => byStatus.find((s) => s.status === status)?._count._all ?? 0;
    const appointments = byStatus.reduce((sum, s) => sum + s._count._all, 0);
    const confirmed = Number(actions.confirmed);
    const completed = count('completed');
    const noShows = count('no_show');
    const byChannel = messages.map((m) => ({ channel: m.channel as Channel, messagesSent: m._count._all, segmentsSent: m._sum.segments ?? 0 }));
    return {
      from,
      to,
      appointments,
      confirmed,
      confirmationRate: appointments > 0 ? confirmed / appointments : null,
      cancellations: count('cancelled'),
      reschedules: Number(actions.reschedules),
      completed,
      noShows,
      noShowRate: completed + noShows > 0 ? noShows / (completed + noShows) : null,
      needingAttention,
      messagesSent: byChannel.reduce((sum, c) => sum + c.messagesSent, 0),
      segmentsSent: byChannel.reduce((sum, c) => sum + c.segmentsSent, 0),
      byChannel,
      repliesReceived,
      repliesNeedingAttention,
    };
  }
}
