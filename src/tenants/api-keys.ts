// Tenant API keys: how they are made and the one way they are hashed for storage and lookup.
import { createHash, randomBytes } from 'node:crypto';

const API_KEY_PREFIX = 'aro_';

/** The id a key is listed and revoked by; unlike the key, it is no secret. */
export function newApiKeyId(): string {
  return `key_${randomBytes(8).toString('hex')}`;
}

/** A new key: `aro_` + 32 random bytes (base64url), shown once to its owner and never stored. */
export function generateApiKey(): string {
  return API_KEY_PREFIX + randomBytes(32).toString('base64url');
}

/**
 * SHA-256 (hex) of the key, the only form the database keeps. A fast unsalted hash is enough here:
 * keys are 256 random bits, so there is nothing to brute-force, and lookup by hash stays one index probe.
 */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}
