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
    new Gauge({
      name: 'aro_appointments_needing_attention',
      help: "Appointments that need the clinic's attention (an unread reply, a failed message...), by tenant.",
      labelNames: ['tenant'] as const,
      registers: [metrics.registry],
      async collect() {
        const { needingAttention } = await read();
        this.reset();
        for (const { tenant, count } of needingAttention) this.set({ tenant }, count);
      },
    });
    new Gauge({
      name: 'aro_plan_messages_sent',
      help: "Messages each tenant sent this month (the clinic's calendar month), counted against its plan.",
      labelNames: ['tenant', 'plan'] as const,
      registers: [metrics.registry],
      async collect() {
        const { planUsage } = await read();
        this.reset();
        for (const { tenant, plan, sent } of planUsage) this.set({ tenant, plan }, sent);
      },
    });
    new Gauge({
      name: 'aro_plan_usage_ratio',
      help: "Share of the monthly allowance each tenant has used (1 = spent: routine messages are held); unlimited plans are left out.",
      labelNames: ['tenant', 'plan'] as const,
      registers: [metrics.registry],
      async collect() {
        const { planUsage } = await read();
        this.reset();
        for (const { tenant, plan, sent, limit } of planUsage) if (limit) this.set({ tenant, plan }, sent / limit);
      },
    });
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
