// Every setting ARO reads from the environment, validated once at start-up (see README "Settings").
import { z } from 'zod';

const port = z.coerce.number().int().min(1).max(65535);

const schema = z.object({
  DATABASE_URL: z.string().url().optional(),
  TEMPORAL_ADDRESS: z.string().min(1).default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  ARO_CORE_TASK_QUEUE: z.string().min(1).default('aro-core'),
  ARO_API_PORT: port.default(3000),
  ARO_PUBLIC_URL: z.string().url().optional(),
  ARO_DEV_MODE: z
    .enum(['0', '1', 'true', 'false'])
    .default('0')
    .transform((v) => v === '1' || v === 'true'),
  ARO_TENANT_REFRESH_MS: z.coerce.number().int().min(100).default(2000),
  ARO_WEBHOOK_TOLERANCE_SECONDS: z.coerce.number().int().min(1).default(300),
  ARO_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
});

export type AroConfig = z.infer<typeof schema>;

/** Parses the environment; throws one error naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AroConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid configuration: ${problems}`);
  }
  return parsed.data;
}
