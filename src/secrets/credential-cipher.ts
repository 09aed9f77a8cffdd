// Seals and opens tenants' provider credentials with AES-256-GCM under keys from the environment;
// old keys stay readable after a rotation until every credential has been re-sealed.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const ALGORITHM = 'aes-256-gcm';
const FORMAT = 'v1';
/** 96-bit IVs are what GCM is designed for; a fresh random one per seal. */
const IV_BYTES = 12;
const KEY_BYTES = 32;

export interface SealedSecret {
  sealed: string;
  keyId: string;
}

/** Key ids are a hash prefix: they say which key sealed a value without revealing anything about it. */
function keyIdOf(key: Buffer): string {
  return createHash('sha256').update('aro-credential-key:').update(key).digest('hex').slice(0, 12);
}

/** A key as written in the environment: 32 bytes, base64 (44 characters) or hex (64 characters). */
export function parseSecretsKey(text: string, setting: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-f]{64}$/i.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (key.length !== KEY_BYTES) {
    throw new Error(`${setting}: must be ${KEY_BYTES} bytes, base64 or hex (e.g. \`openssl rand -base64 32\`)`);
  }
  return key;
}

export class CredentialCipher {
  private readonly keys = new Map<string, Buffer>();
  private readonly current?: { id: string; key: Buffer };

  /**
   * `current` seals new values (absent: nothing can be sealed or opened); `previous` keys only open,
   * so a rotation is: new key in ARO_SECRETS_KEY, old one in ARO_SECRETS_PREVIOUS_KEYS, then reseal.
   */
  constructor(current: Buffer | undefined, previous: Buffer[] = []) {
    for (const key of [...previous, ...(current ? [current] : [])]) this.keys.set(keyIdOf(key), key);
    if (current) this.current = { id: keyIdOf(current), key: current };
  }

  get currentKeyId(): string | undefined {
    return this.current?.id;
  }

  seal(plain: string, context: string): SealedSecret {
    if (!this.current) throw new Error('ARO_SECRETS_KEY is not set: provider credentials cannot be stored');
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.current.key, iv);
    // The context (tenant and provider) is authenticated: a sealed value copied to another tenant's row fails to open.
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    const parts = [iv, cipher.getAuthTag(), ciphertext].map((b) => b.toString('base64url'));
    return { sealed: [FORMAT, this.current.id, ...parts].join('.'), keyId: this.current.id };
  }

  open(sealed: string, context: string): string {
    const [format, keyId, iv, tag, ciphertext] = sealed.split('.');
    if (format !== FORMAT || ciphertext === undefined) throw new Error(`sealed credential of ${context}: unknown format`);
    const key = this.keys.get(keyId);
    if (!key) {
      throw new Error(
        `sealed credential of ${context}: sealed with key ${keyId}, which is neither ARO_SECRETS_KEY nor in ARO_SECRETS_PREVIOUS_KEYS`,
      );
    }
    const decipher = createDecipheriv(ALGORITHM, key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    try {
      return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new Error(`sealed credential of ${context}: does not authenticate (tampered, or sealed for another tenant)`);
    }
  }
}

export function credentialCipher(config: { ARO_SECRETS_KEY?: Buffer; ARO_SECRETS_PREVIOUS_KEYS: Buffer[] }): CredentialCipher {
  return new CredentialCipher(config.ARO_SECRETS_KEY, config.ARO_SECRETS_PREVIOUS_KEYS);
}
