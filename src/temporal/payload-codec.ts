// Encrypts every payload ARO hands Temporal (workflow inputs, signals, results, activity arguments,
// failure messages) with AES-256-GCM, so that whoever runs the cluster reads no patient's details.
// Each payload names the key that sealed it; several keys open, the first seals, so keys rotate
// without downtime. Payloads ARO did not encrypt (older histories) pass through decode unchanged.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { METADATA_ENCODING_KEY, type Payload, type PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { parseSecretsKey } from '../secrets/credential-cipher';

/** The encoding Temporal's own samples and tools use for encrypted payloads. */
export const ENCRYPTED_ENCODING = 'binary/encrypted';
/** Metadata naming the key that sealed a payload; readable without the key, as the codec must pick one. */
export const KEY_ID_METADATA = 'encryption-key-id';
const CIPHER_METADATA = 'encryption-cipher';
const CIPHER = 'AES-256-GCM';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

export interface PayloadKey {
  id: string;
  key: Buffer;
}

/** A payload could not be decrypted: no such key, the wrong key, or altered bytes. Says which, never the data. */
export class PayloadDecryptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PayloadDecryptionError';
  }
}

/**
 * `<keyId>:<key>,...` as ARO_PAYLOAD_KEYS holds it: the first key encrypts, every one decrypts. Keys are
 * 32 bytes in base64 or hex (`openssl rand -base64 32`). Errors name the entry by position and id, never the key.
 */
export function parsePayloadKeys(text: string, setting: string): PayloadKey[] {
  const entries = text.split(',').map((entry) => entry.trim());
  const keys = entries.map((entry, i): PayloadKey => {
    const at = `${setting}[${i}]`;
    const colon = entry.indexOf(':');
    if (colon < 0) throw new Error(`${at}: must be <keyId>:<base64 32-byte key>, e.g. k1:$(openssl rand -base64 32)`);
    const id = entry.slice(0, colon);
    if (!KEY_ID_PATTERN.test(id)) throw new Error(`${at}: the key id must be 1 to 64 letters, digits, '.', '_' or '-'`);
    return { id, key: parseSecretsKey(entry.slice(colon + 1), `${at} (key id ${id})`) };
  });
  const seen = new Set<string>();
  for (const { id } of keys) {
    if (seen.has(id)) throw new Error(`${setting}: key id ${id} is listed twice`);
    seen.add(id);
  }
  return keys;
}

/** A fresh `<keyId>:<base64 key>` entry, for `npm run dev` and the tests. */
export function generatePayloadKey(id: string): string {
  return `${id}:${randomBytes(32).toString('base64')}`;
}

function metadataText(payload: Payload, key: string): string | undefined {
  const value = payload.metadata?.[key];
  return value ? Buffer.from(value).toString('utf8') : undefined;
}

/** The key id bound into the ciphertext: a payload whose key id metadata is changed no longer opens. */
function associatedData(keyId: string): Buffer {
  return Buffer.from(`aro-payload:${keyId}`, 'utf8');
}

export class AroPayloadCodec implements PayloadCodec {
  private readonly byId: Map<string, Buffer>;

  /** With no keys, payloads are written in clear (ARO_ALLOW_PLAINTEXT_PAYLOADS) and encrypted ones refused. */
  constructor(private readonly keys: PayloadKey[]) {
    this.byId = new Map(keys.map(({ id, key }) => [id, key]));
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const sealing = this.keys[0];
    if (!sealing) return payloads;
    return payloads.map((payload) => {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', sealing.key, iv);
      cipher.setAAD(associatedData(sealing.id));
      const plain = temporal.api.common.v1.Payload.encode(payload).finish();
      const sealed = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: {
          [METADATA_ENCODING_KEY]: Buffer.from(ENCRYPTED_ENCODING),
          [KEY_ID_METADATA]: Buffer.from(sealing.id),
          [CIPHER_METADATA]: Buffer.from(CIPHER),
        },
        data: sealed,
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => (metadataText(payload, METADATA_ENCODING_KEY) === ENCRYPTED_ENCODING ? this.open(payload) : payload));
  }

  private open(payload: Payload): Payload {
    const keyId = metadataText(payload, KEY_ID_METADATA);
    if (!keyId) throw new PayloadDecryptionError(`an encrypted payload carries no ${KEY_ID_METADATA}: it was not written by ARO`);
    const key = this.byId.get(keyId);
    if (!key) {
      const known = this.keys.length > 0 ? `the keys given are ${this.keys.map((k) => k.id).join(', ')}` : 'no keys are given';
      throw new PayloadDecryptionError(`a payload is encrypted with key ${keyId}, which is not in ARO_PAYLOAD_KEYS (${known})`);
    }
    const sealed = Buffer.from(payload.data ?? []);
    if (sealed.length < IV_BYTES + TAG_BYTES) throw new PayloadDecryptionError(`a payload encrypted with key ${keyId} is truncated`);
    const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, IV_BYTES));
    decipher.setAAD(associatedData(keyId));
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    let plain: Buffer;
    try {
      plain = Buffer.concat([decipher.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES)), decipher.final()]);
    } catch {
      throw new PayloadDecryptionError(
        `a payload encrypted with key ${keyId} does not open with the key ARO_PAYLOAD_KEYS gives for ${keyId} (a different key under that id, or altered bytes)`,
      );
    }
    return temporal.api.common.v1.Payload.decode(plain);
  }
}
