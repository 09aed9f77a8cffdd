// Gauges read from PostgreSQL when /metrics is scraped: appointments that need the clinic's attention,
// and each clinic's use of its monthly plan. A reading is reused for a few seconds, so however often
// (and by however many Prometheus servers) the API is scraped, the database answers two small queries
// at most that often.
import { Inject, Injectable } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { usageMonth } from '../../activities/message-usage';
import type { AroConfig } from '../../config';
import type { Db } from '../../db/prisma';
import { planLimit } from '../../domain/plan-limits';
import { log } from '../../telemetry/logger';
import { ARO_CONFIG, DB } from '../tokens';
import { ApiMetrics } from './api-metrics';

/** How long one reading of the database serves scrapes. */
const READING_TTL_MS = 10_000;

interface Sample {
  labels: Record<string, string>;
  value: number;
}

interface ClinicReading {
  needingAttention: { tenant: string; count: number }[];
  planUsage: { tenant: string; plan: string; sent: number; limit: number | null }[];
}

@Injectable()
export class ClinicGauges {
  private reading?: { at: number; value: Promise<ClinicReading> };

  constructor(
    metrics: ApiMetrics,
    @Inject(DB) private readonly db: Db,
    @Inject(ARO_CONFIG) private readonly config: AroConfig,
  ) {
    const read = () => this.read();
    /** A gauge whose samples are taken from the current reading at each scrape. */
    const readGauge = (name: string, help: string, labelNames: string[], samples: (reading: ClinicReading) => Sample[]) =>
      new Gauge({
        name,
        help,
        labelNames,
        registers: [metrics.registry],
        collect: async function (this: Gauge) {
          const reading = await read();
          this.reset();
          for (const { labels, value } of samples(reading)) this.set(labels, value);
        },
      });
    readGauge(
      'aro_appointments_needing_attention',
      "Appointments that need the clinic's attention (an unread reply, a failed message...), by tenant.",
      ['tenant'],
      (r) => r.needingAttention.map(({ tenant, count }) => ({ labels: { tenant }, value: count })),
    );
    readGauge(
      'aro_plan_messages_sent',
      "Messages each tenant sent this month (the clinic's calendar month), counted against its plan.",
      ['tenant', 'plan'],
      (r) => r.planUsage.map(({ tenant, plan, sent }) => ({ labels: { tenant, plan }, value: sent })),
    );
    readGauge(
      'aro_plan_usage_ratio',
      'Share of the monthly allowance each tenant has used (1 = spent: routine messages are held); unlimited plans are left out.',
      ['tenant', 'plan'],
      (r) => r.planUsage.flatMap(({ tenant, plan, sent, limit }) => (limit ? [{ labels: { tenant, plan }, value: sent / limit }] : [])),
    );
  }

  private read(): Promise<ClinicReading> {
    const now = Date.now();
    if (!this.reading || now - this.reading.at >= READING_TTL_MS) {
      const value = this.query(new Date(now)).catch((err: unknown) => {
        // The rest of /metrics still answers; the next scrape asks the database again.
        log.warn({ component: 'metrics', err }, 'clinic gauges could not be read from PostgreSQL');
        this.reading = undefined;
        return { needingAttention: [], planUsage: [] };
      });
      this.reading = { at: now, value };
    }
    return this.reading.value;
  }

  private async query(now: Date): Promise<ClinicReading> {
    const [attention, tenants] = await Promise.all([
      this.db.appointment.groupBy({ by: ['tenantId'], where: { needsAttention: true }, _count: { _all: true } }),
      this.db.tenant.findMany({ select: { id: true, plan: true, timeZone: true } }),
    ]);
    const monthOf = new Map(tenants.map((t) => [t.id, usageMonth(now.toISOString(), t.timeZone)]));
    // Clinics' months differ only around midnight on the first: one query covers both.
    const usage = await this.db.messageUsage.findMany({
      where: { month: { in: [...new Set(monthOf.values())] } },
      select: { tenantId: true, month: true, messages: true },
    });
    const sentBy = new Map(usage.filter((u) => monthOf.get(u.tenantId) === u.month).map((u) => [u.tenantId, u.messages]));
    return {
      needingAttention: attention.map((row) => ({ tenant: row.tenantId, count: row._count._all })),
      planUsage: tenants.map((t) => ({ tenant: t.id, plan: t.plan, sent: sentBy.get(t.id) ?? 0, limit: planLimit(this.config.ARO_PLAN_LIMITS, t.plan) })),
    };
  }
}
