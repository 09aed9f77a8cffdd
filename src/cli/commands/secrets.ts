// `aro secrets reseal`: the second half of a key rotation — every provider credential sealed with
// an older key is sealed again with ARO_SECRETS_KEY, after which the old key can be retired.
import { loadConfig } from '../../config';
import { createPrisma } from '../../db/prisma';
import { credentialCipher } from '../../secrets/credential-cipher';
import { resealProviderCredentials } from '../../secrets/provider-credentials';
import { UsageError, type CliCommand } from '../command';
import { resolveDatabaseUrl } from '../database-url';

const USAGE = 'aro secrets reseal   (ARO_SECRETS_KEY: the new key; ARO_SECRETS_PREVIOUS_KEYS: the old ones)';

export const secretsCommand: CliCommand = {
  name: 'secrets',
  usage: USAGE,
  async run([subcommand]: string[]): Promise<void> {
    if (subcommand !== 'reseal') throw new UsageError(`unknown secrets subcommand "${subcommand ?? ''}"`, USAGE);
    const cipher = credentialCipher(loadConfig());
    const db = createPrisma(resolveDatabaseUrl());
    try {
      const count = await resealProviderCredentials(db, cipher);
      process.stdout.write(`Re-sealed ${count} credential(s) with key ${cipher.currentKeyId}.\n`);
    } finally {
      await db.$disconnect();
    }
  },
};
