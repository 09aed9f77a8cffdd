// Every setting ARO reads from the environment, validated once at start-up (see README "Settings").
import { z } from 'zod';
import { parsePlanLimits, DEFAULT_PLAN_LIMITS } from './domain/plan-limits';
import { DEFAULT_TENANT_POOLS } from './routing/tenant-task-queue';
import { parseSecretsKey } from './secrets/credential-cipher';
import { parsePayloadKeys } from './temporal/payload-codec';

const port = z.coerce.number().int().min(1).max(65535);
const flag = z
  .enum(['0', '1', 'true', 'false'])
  .default('0')
  .transform((v) => v === '1' || v === 'true');

/** Runs a parser that throws an error naming the setting, as a zod transform. */
function parsedWith<T>(parse: (text: string) => T) {
  return (text: string, ctx: z.RefinementCtx): T => {
    try {
      return parse(text);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
      return z.NEVER;
    }
  };
}

const schema = z.object({
  DATABASE_URL: z.string().url().optional(),
  TEMPORAL_ADDRESS: z.string().min(1).default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  ARO_CORE_TASK_QUEUE: z.string().min(1).default('aro-core'),
  ARO_API_PORT: port.default(3000),
  ARO_WORKER_HTTP_PORT: port.default(3001),
  ARO_PUBLIC_URL: z.string().url().optional(),
  ARO_DEV_MODE: flag,
  ARO_TENANT_REFRESH_MS: z.coerce.number().int().min(100).default(2000),
  // Tenants at scale (docs/tenants-at-scale.md): dedicated tenant queues are split across worker
  // processes by a stable hash of the tenant id; pooled tenants share ARO_TENANT_POOLS queues that
  // every worker serves. The API and every worker must run with the same ARO_TENANT_POOLS.
  ARO_TENANT_SHARDS: z.coerce.number().int().min(1).max(1024).default(1),
  ARO_TENANT_SHARD: z.coerce.number().int().min(0).default(0),
  ARO_TENANT_POOLS: z.coerce.number().int().min(1).max(64).default(DEFAULT_TENANT_POOLS),
  ARO_POOL_MAX_CONCURRENT_ACTIVITIES: z.coerce.number().int().min(1).max(10_000).default(100),
  ARO_WEBHOOK_TOLERANCE_SECONDS: z.coerce.number().int().min(1).default(300),
  // Two years covers any clinic's advance bookings; a year-9999 visit would sit on a timer for ever.
  ARO_BOOKING_HORIZON_DAYS: z.coerce.number().int().min(1).max(3660).default(730),
  ARO_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  // OpenTelemetry's standard variable: the OTLP/HTTP collector's base URL; traces go to <url>/v1/traces.
  OTEL_EXPORTER_OTLP_ENDPOINT: z.string().url().optional(),
  ARO_SECRETS_KEY: z.string().optional().transform((v, ctx) => (v ? parsedWith((t) => parseSecretsKey(t, 'ARO_SECRETS_KEY'))(v, ctx) : undefined)),
  ARO_SECRETS_PREVIOUS_KEYS: z
    .string()
    .default('')
    .transform(parsedWith((t) => t.split(',').filter((k) => k.trim()).map((k, i) => parseSecretsKey(k, `ARO_SECRETS_PREVIOUS_KEYS[${i}]`)))),
  ARO_TWILIO_API_URL: z.string().url().optional(),
  ARO_TWILIO_TIMEOUT_MS: z.coerce.number().int().min(100).default(15_000),
  ARO_PLAN_LIMITS: z
    .string()
    .optional()
    .transform((v, ctx) => (v ? parsedWith((t) => parsePlanLimits(t, 'ARO_PLAN_LIMITS'))(v, ctx) : DEFAULT_PLAN_LIMITS)),
  // Long and random like the tenant keys it outranks; unset, no caller can administer tenants.
  ARO_OPERATOR_KEY: z.string().min(32, 'must be at least 32 characters (e.g. from `openssl rand -base64 32`)').optional(),
  ARO_GRAPHQL_RATE_LIMIT: z.coerce.number().int().min(1).default(600),
  // Webhook intake under load (README "Booking webhook"): past these limits a delivery is answered
  // 503 with Retry-After, never left waiting until something inside gives way with a 500.
  ARO_WEBHOOK_MAX_IN_FLIGHT: z.coerce.number().int().min(1).default(64),
  ARO_DB_POOL_SIZE: z.coerce.number().int().min(1).default(10),
  ARO_DB_ACQUIRE_TIMEOUT_MS: z.coerce.number().int().min(100).default(3000),
  ARO_TEMPORAL_CALL_TIMEOUT_MS: z.coerce.number().int().min(100).default(5000),
  ARO_TENANT_CACHE_TTL_MS: z.coerce.number().int().min(0).default(5000),
  // Temporal payload encryption (README "Operations" → "Encrypted payloads"): the first key encrypts, all decrypt.
  ARO_PAYLOAD_KEYS: z
    .string()
    .optional()
    .transform((v, ctx) => (v?.trim() ? parsedWith((t) => parsePayloadKeys(t, 'ARO_PAYLOAD_KEYS'))(v, ctx) : [])),
  ARO_ALLOW_PLAINTEXT_PAYLOADS: flag,
  // Origins whose pages (the Temporal Web UI) may call /codec from a browser, credentials included.
  ARO_CODEC_CORS_ORIGINS: z
    .string()
    .default('')
    .transform(parsedWith((t) => t.split(',').map((o) => o.trim()).filter(Boolean).map((o, i) => parseOrigin(o, `ARO_CODEC_CORS_ORIGINS[${i}]`)))),
}).superRefine((config, ctx) => {
  if (config.ARO_TENANT_SHARD >= config.ARO_TENANT_SHARDS) {
    ctx.addIssue({
      code: 'custom',
      path: ['ARO_TENANT_SHARD'],
      message: `must be below ARO_TENANT_SHARDS (${config.ARO_TENANT_SHARDS}): shards are numbered from 0`,
    });
  }
});

/** An origin as browsers send it (`scheme://host[:port]`, nothing after), so that comparing strings is enough. */
function parseOrigin(text: string, setting: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`${setting}: ${JSON.stringify(text)} is not a URL; give an origin such as http://localhost:8233`);
  }
  if (!['http:', 'https:'].includes(url.protocol) || url.origin !== text.replace(/\/$/, '')) {
    throw new Error(`${setting}: ${JSON.stringify(text)} must be an origin (http(s)://host[:port], no path), such as http://localhost:8233`);
  }
  return url.origin;
}

export type AroConfig = z.infer<typeof schema>;

/** The name of every setting ARO reads (deployment files are checked against it). */
export const SETTING_NAMES: readonly string[] = Object.keys(schema.shape);

/** Parses the environment; throws one error naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AroConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid configuration: ${problems}`);
  }
  return parsed.data;
}
