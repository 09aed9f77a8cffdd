// The one router from a tenant to the task queue its skill activities run on. Pure and
// deterministic, so the workflow (which routes) and the worker (which polls) always agree.
// Pooled shard queues for small tenants would be decided here too.
export const TENANT_TASK_QUEUE_PREFIX = 'aro-tenant-';

export function tenantTaskQueue(tenantId: string): string {
  return `${TENANT_TASK_QUEUE_PREFIX}${tenantId}`;
}
