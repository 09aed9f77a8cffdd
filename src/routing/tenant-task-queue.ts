// The one router from a tenant to where its skill activities run: its own task queue (a dedicated
// executor: a large clinic, or a customer-hosted one), or one of a few pool queues shared by many
// tenants, with the tenant as fairness key. Which worker process serves a dedicated queue is decided
// here too (the tenant's shard). Pure and deterministic: the API routes a lifecycle when it starts
// it, the workflow only reads the route from its input, and every worker agrees on the hashes.
export const TENANT_TASK_QUEUE_PREFIX = 'aro-tenant-';
export const POOL_TASK_QUEUE_PREFIX = 'aro-pool-';
/** ARO_TENANT_POOLS unless set. */
export const DEFAULT_TENANT_POOLS = 4;

/**
 * Where a tenant's skills run. `leaving-dedicated`: new appointments go to the pool while those
 * booked before the move still send on the tenant's own queue, which stays served until the operator
 * releases it (`aro tenant executor --release-dedicated-queue`).
 */
export const TENANT_EXECUTORS = ['dedicated', 'pooled', 'leaving-dedicated'] as const;
export type TenantExecutor = (typeof TENANT_EXECUTORS)[number];

/** The route a lifecycle's skills take (LifecycleInput.skillRoute); the fairness key is its tenant. */
export interface SkillRoute {
  taskQueue: string;
  /** Set on pool queues: the server dispatches the pool's tasks round-robin across tenants. */
  fairnessKey?: string;
}

export function tenantTaskQueue(tenantId: string): string {
  return `${TENANT_TASK_QUEUE_PREFIX}${tenantId}`;
}

export function poolTaskQueue(pool: number): string {
  return `${POOL_TASK_QUEUE_PREFIX}${pool}`;
}

/** The pool queues every worker process serves. */
export function poolTaskQueues(pools: number): string[] {
  return Array.from({ length: pools }, (_, pool) => poolTaskQueue(pool));
}

/** FNV-1a over the id's UTF-16 code units: a stable 32-bit key, the same in every process and version. */
function tenantKey(tenantId: string): bigint {
  let hash = 0x811c9dc5;
  for (let i = 0; i < tenantId.length; i++) hash = Math.imul(hash ^ tenantId.charCodeAt(i), 0x01000193) >>> 0;
  return BigInt(hash);
}

/**
 * Jump consistent hash (Lamping and Veach, 2014): the bucket of `key` among `buckets`. Growing from n
 * to n + 1 buckets moves only 1/(n + 1) of the keys, all into the new bucket: adding a worker shard
 * or a pool moves the fewest tenants.
 */
function jumpHash(key: bigint, buckets: number): number {
  let k = key;
  let b = -1;
  let j = 0;
  while (j < buckets) {
    b = j;
    k = (k * 2862933555777941757n + 1n) & 0xffffffffffffffffn;
    j = Math.floor(((b + 1) * 2 ** 31) / (Number(k >> 33n) + 1));
  }
  return b;
}

/** The worker shard (0 … shards-1) that serves the tenant's dedicated queue. */
export function tenantShard(tenantId: string, shards: number): number {
  return jumpHash(tenantKey(tenantId), shards);
}

/** The pool (0 … pools-1) a pooled tenant's skills run in. */
export function tenantPool(tenantId: string, pools: number): number {
  return jumpHash(tenantKey(tenantId), pools);
}

/** The route of a lifecycle booked now. */
export function skillRoute(tenant: { id: string; executor: string }, pools: number): SkillRoute {
  if (tenant.executor === 'dedicated') return { taskQueue: tenantTaskQueue(tenant.id) };
  return { taskQueue: poolTaskQueue(tenantPool(tenant.id, pools)), fairnessKey: tenant.id };
}

/** Whether the tenant's own queue must be served (by its shard): new appointments, or ones booked before a move to the pool. */
export function servesDedicatedQueue(executor: string): boolean {
  return executor !== 'pooled';
}
