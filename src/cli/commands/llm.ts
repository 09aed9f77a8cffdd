// `aro llm set|off`: gives a clinic an LLM (any OpenAI-compatible chat-completions endpoint) for the
// replies ARO's own classifier is unsure of, or takes it away. Off by default. Both are audited (never the key).
import { parseArgs } from 'node:util';
import { loadConfig } from '../../config';
import { createPrisma } from '../../db/prisma';
import { credentialCipher } from '../../secrets/credential-cipher';
import { configureLlm, removeLlm } from '../../tenants/llm-setup';
import { auditSettingsChange, cliActor } from '../../tenants/settings-audit';
import { UsageError, type CliCommand } from '../command';
import { resolveDatabaseUrl } from '../database-url';

const USAGE = [
  'aro llm set --id <tenant> --url <base URL, e.g. http://gateway:18789/v1> --model <model> [--timeout-ms <ms>]',
  '    (an API key, if the endpoint needs one, is read from ARO_LLM_API_KEY, never from the command line; ARO_SECRETS_KEY seals it)',
  'aro llm off --id <tenant>',
].join('\n');

export const llmCommand: CliCommand = {
  name: 'llm',
  usage: USAGE,
  async run([subcommand, ...args]: string[]): Promise<void> {
    if (subcommand !== 'set' && subcommand !== 'off') throw new UsageError(`unknown llm subcommand "${subcommand ?? ''}"`, USAGE);
    let values;
    try {
      ({ values } = parseArgs({ args, options: { id: { type: 'string' }, url: { type: 'string' }, model: { type: 'string' }, 'timeout-ms': { type: 'string' } } }));
    } catch (err) {
      throw new UsageError((err as Error).message, USAGE);
    }
    if (values.id === undefined) throw new UsageError('--id is required', USAGE);
    const db = createPrisma(resolveDatabaseUrl());
    try {
      if (subcommand === 'off') {
        await removeLlm(db, values.id);
        await auditSettingsChange(db, { tenantId: values.id, actor: cliActor(), action: 'settings.llm_configured', subject: `tenant:${values.id}`, detail: { llm: null } });
        process.stdout.write(`Tenant ${values.id} reads replies in-process only.\n`);
        return;
      }
      if (values.url === undefined || values.model === undefined) throw new UsageError('--url and --model are required', USAGE);
      const apiKey = process.env.ARO_LLM_API_KEY || undefined;
      const timeoutMs = values['timeout-ms'] === undefined ? undefined : Number(values['timeout-ms']);
      await configureLlm(db, credentialCipher(loadConfig()), values.id, { baseUrl: values.url, model: values.model, timeoutMs, apiKey });
      await auditSettingsChange(db, {
        tenantId: values.id,
        actor: cliActor(),
        action: 'settings.llm_configured',
        subject: `tenant:${values.id}`,
        detail: { llm: { baseUrl: values.url, model: values.model, timeoutMs: timeoutMs ?? null, apiKeySealed: apiKey !== undefined } },
      });
      process.stdout.write(`Tenant ${values.id} asks ${values.model} at ${values.url} about replies it is unsure of${apiKey ? ' (API key sealed)' : ''}.\n`);
    } finally {
      await db.$disconnect();
    }
  },
};
