// A tenant's optional LLM for understanding replies: the endpoint settings kept in Tenant.channels.llm
// (no secret there) and the shape of its sealed credentials. Errors name the field.
import { z } from 'zod';

export const DEFAULT_LLM_TIMEOUT_MS = 5_000;
/** The LLM's provider name in ProviderCredential, where its API key is sealed. */
export const LLM_PROVIDER = 'llm';

export const llmSettingsSchema = z.object({
  /** Base URL of an OpenAI-compatible API; requests go to <baseUrl>/chat/completions. */
  baseUrl: z.string().url('must be a URL such as http://gateway:18789/v1'),
  model: z.string().min(1, 'must name the model'),
  /** How long to wait for an answer before keeping the in-process reading. */
  timeoutMs: z.number().int().min(100, 'must be at least 100').max(60_000, 'must be at most 60000').default(DEFAULT_LLM_TIMEOUT_MS),
});
export type LlmSettings = z.infer<typeof llmSettingsSchema>;

export const llmCredentialsSchema = z.object({ apiKey: z.string().min(1, 'must not be empty') });
export type LlmCredentials = z.infer<typeof llmCredentialsSchema>;

/** Bad LLM settings, naming the field. */
export class LlmSettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LlmSettingsError';
  }
}

export function parsed<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new LlmSettingsError(result.error.issues.map((i) => `${[what, ...i.path].join('.')}: ${i.message}`).join('; '));
}

/** The tenant's LLM settings, or undefined when it has none (the default: no LLM). */
export function tenantLlmSettings(channels: unknown): LlmSettings | undefined {
  const llm = (channels as { llm?: unknown } | null)?.llm;
  return llm === undefined || llm === null ? undefined : parsed(llmSettingsSchema, llm, 'channels.llm');
}
