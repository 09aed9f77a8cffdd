// Moving a clinic between its own task queue and a pool (docs/tenants-at-scale.md). A lifecycle keeps
// the route it was booked with, so a clinic leaving its own queue keeps that queue served until the
// operator releases it, once the appointments booked before the move have ended.
import type { Db } from '../db/prisma';
import type { TenantExecutor } from '../routing/tenant-task-queue';
import { auditSettingsChange } from './settings-audit';

export type ExecutorRequest = 'dedicated' | 'pooled' | 'release-dedicated-queue';

/** The executor a request leads to from the current one, or why it cannot. */
export function nextExecutor(current: TenantExecutor, request: ExecutorRequest): TenantExecutor | { refused: string } {
  switch (request) {
    case 'dedicated':
      // Lifecycles booked in the pool stay there: every worker serves the pools, so nothing waits.
      return 'dedicated';
    case 'pooled':
      return current === 'dedicated' ? 'leaving-dedicated' : current;
    case 'release-dedicated-queue':
      if (current !== 'leaving-dedicated') return { refused: `the tenant is ${current}, not leaving a dedicated queue` };
      return 'pooled';
  }
}

/** Applies the request and audits it; answers the executor the tenant now has. */
export async function changeTenantExecutor(db: Db, tenantId: string, request: ExecutorRequest, actor: string): Promise<TenantExecutor> {
  return db.$transaction(async (tx) => {
    const tenant = await tx.tenant.findUnique({ where: { id: tenantId }, select: { executor: true } });
    if (!tenant) throw new Error(`no tenant with id "${tenantId}"`);
    const current = tenant.executor as TenantExecutor;
    const next = nextExecutor(current, request);
    if (typeof next !== 'string') throw new Error(`cannot ${request} tenant ${tenantId}: ${next.refused}`);
    if (next === current) return current;
    await tx.tenant.update({ where: { id: tenantId }, data: { executor: next } });
    await auditSettingsChange(tx, {
      tenantId,
      actor,
      action: 'settings.executor_changed',
      subject: `tenant:${tenantId}`,
      detail: { executor: { from: current, to: next } },
    });
    return next;
  });
}
