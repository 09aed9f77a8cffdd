// A clinic's figures over consecutive periods, read from what the workflows recorded: the appointment
// projection, the audit log (confirmations, reschedules, replies passed to staff) and the messages.
// Each figure is one grouped query over the whole range, each row falling in its period by
// width_bucket, so a chart of many weeks costs the same five queries as one range.
import { Inject, Injectable } from '@nestjs/common';
import type { Db } from '../../db/prisma';
import { invalidInput } from '../graphql/clinic-errors';
import type { Stats } from '../graphql/models/stats.model';
import type { Channel } from '../../workflows/contracts';
import { DB } from '../tokens';

/** Periods one request may ask for: a year of weeks. */
export const MAX_PERIODS = 53;

/** One row of a grouped count: the period (1 for the first) and what was counted in it. */
interface PeriodRow {
  period: number;
}

@Injectable()
export class ClinicStats {
  constructor(@Inject(DB) private readonly db: Db) {}

  async over(tenantId: string, from: Date, to: Date): Promise<Stats> {
    if (to <= from) throw invalidInput([{ field: 'to', message: 'must be after from' }]);
    const [stats] = await this.byPeriod(tenantId, [from, to]);
    return stats;
  }

  /** The figures of each period [boundaries[i], boundaries[i + 1]). */
  async overPeriods(tenantId: string, boundaries: Date[]): Promise<Stats[]> {
    if (boundaries.length < 2 || boundaries.length > MAX_PERIODS + 1) {
      throw invalidInput([{ field: 'boundaries', message: `must hold 2 to ${MAX_PERIODS + 1} instants (1 to ${MAX_PERIODS} periods)` }]);
    }
    const backwards = boundaries.findIndex((b, i) => i > 0 && b <= boundaries[i - 1]);
    if (backwards > 0) throw invalidInput([{ field: `boundaries[${backwards}]`, message: 'must be after the instant before it' }]);
    return this.byPeriod(tenantId, boundaries);
  }

  private async byPeriod(tenantId: string, boundaries: Date[]): Promise<Stats[]> {
    const from = boundaries[0];
    const to = boundaries[boundaries.length - 1];
    // Columns hold UTC without a zone; the boundaries travel as ISO instants.
    const bounds = boundaries.map((b) => b.toISOString());
    const [appointments, actions, sent, received, passedToStaff] = await Promise.all([
      this.db.$queryRaw<(PeriodRow & { status: string; appointments: number; needingAttention: number })[]>`
        SELECT width_bucket("startsAt" AT TIME ZONE 'UTC', ${bounds}::timestamptz[]) AS period, "status",
               count(*)::int AS appointments, count(*) FILTER (WHERE "needsAttention")::int AS "needingAttention"
        FROM "Appointment"
        WHERE "tenantId" = ${tenantId} AND "startsAt" >= ${from} AND "startsAt" < ${to}
        GROUP BY 1, 2`,
      // Confirmed at some point counts even once the visit is completed; each move counts as one reschedule.
      this.db.$queryRaw<(PeriodRow & { confirmed: number; reschedules: number })[]>`
        SELECT width_bucket(a."startsAt" AT TIME ZONE 'UTC', ${bounds}::timestamptz[]) AS period,
               count(DISTINCT a."workflowId") FILTER (WHERE e."action" = 'appointment.confirmed')::int AS confirmed,
               count(*) FILTER (WHERE e."action" = 'appointment.rescheduled')::int AS reschedules
        FROM "Appointment" a
        JOIN "AuditEvent" e ON e."tenantId" = a."tenantId" AND e."subject" = a."workflowId"
        WHERE a."tenantId" = ${tenantId} AND a."startsAt" >= ${from} AND a."startsAt" < ${to}
          AND e."action" IN ('appointment.confirmed', 'appointment.rescheduled')
        GROUP BY 1`,
      this.db.$queryRaw<(PeriodRow & { channel: Channel; messagesSent: number; segmentsSent: number })[]>`
        SELECT width_bucket("sentAt" AT TIME ZONE 'UTC', ${bounds}::timestamptz[]) AS period, "channel",
               count(*)::int AS "messagesSent", coalesce(sum("segments"), 0)::int AS "segmentsSent"
        FROM "Message"
        WHERE "tenantId" = ${tenantId} AND "direction" = 'outbound' AND "sentAt" >= ${from} AND "sentAt" < ${to}
        GROUP BY 1, 2
        ORDER BY 2`,
      this.db.$queryRaw<(PeriodRow & { count: number })[]>`
        SELECT width_bucket("createdAt" AT TIME ZONE 'UTC', ${bounds}::timestamptz[]) AS period, count(*)::int AS count
        FROM "Message"
        WHERE "tenantId" = ${tenantId} AND "direction" = 'inbound' AND "createdAt" >= ${from} AND "createdAt" < ${to}
        GROUP BY 1`,
      this.db.$queryRaw<(PeriodRow & { count: number })[]>`
        SELECT width_bucket("at" AT TIME ZONE 'UTC', ${bounds}::timestamptz[]) AS period, count(*)::int AS count
        FROM "AuditEvent"
        WHERE "tenantId" = ${tenantId} AND "action" = 'reply.needs_attention' AND "at" >= ${from} AND "at" < ${to}
        GROUP BY 1`,
    ]);
    return boundaries.slice(1).map((end, i) => {
      const inPeriod = <R extends PeriodRow>(rows: R[]) => rows.filter((row) => row.period === i + 1);
      const byStatus = inPeriod(appointments);
      const count = (status: string) => byStatus.find((s) => s.status === status)?.appointments ?? 0;
      const total = byStatus.reduce((sum, s) => sum + s.appointments, 0);
      const [acted] = inPeriod(actions);
      const confirmed = acted?.confirmed ?? 0;
      const completed = count('completed');
      const noShows = count('no_show');
      const byChannel = inPeriod(sent).map(({ channel, messagesSent, segmentsSent }) => ({ channel, messagesSent, segmentsSent }));
      return {
        from: boundaries[i],
        to: end,
        appointments: total,
        confirmed,
        confirmationRate: total > 0 ? confirmed / total : null,
        cancellations: count('cancelled'),
        reschedules: acted?.reschedules ?? 0,
        completed,
        noShows,
        noShowRate: completed + noShows > 0 ? noShows / (completed + noShows) : null,
        needingAttention: byStatus.reduce((sum, s) => sum + s.needingAttention, 0),
        messagesSent: byChannel.reduce((sum, c) => sum + c.messagesSent, 0),
        segmentsSent: byChannel.reduce((sum, c) => sum + c.segmentsSent, 0),
        byChannel,
        repliesReceived: inPeriod(received)[0]?.count ?? 0,
        repliesNeedingAttention: inPeriod(passedToStaff)[0]?.count ?? 0,
      };
    });
  }
}
