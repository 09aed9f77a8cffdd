// ARO's DataConverter: the one every Temporal client and worker ARO creates uses (API, worker,
// `npm run dev`, the benchmarks, the tests), so that whatever one writes the others read.
import type { DataConverter } from '@temporalio/common';
import type { AroConfig } from '../config';
import { AroPayloadCodec } from './payload-codec';

/** Also handed to bundleWorkflowCode: workflow code converts its failures inside the sandbox. */
export const FAILURE_CONVERTER_PATH = require.resolve('./failure-converter');

type PayloadSettings = Pick<AroConfig, 'ARO_PAYLOAD_KEYS'>;

export function aroPayloadCodec(config: PayloadSettings): AroPayloadCodec {
  return new AroPayloadCodec(config.ARO_PAYLOAD_KEYS);
}

export function aroDataConverter(config: PayloadSettings): DataConverter {
  return { failureConverterPath: FAILURE_CONVERTER_PATH, payloadCodecs: [aroPayloadCodec(config)] };
}

/**
 * The API and the worker refuse to start without payload keys unless told plainly that payloads may
 * go in clear: a forgotten setting must not quietly put patients' details in the cluster's database.
 */
export function requirePayloadEncryption(config: Pick<AroConfig, 'ARO_PAYLOAD_KEYS' | 'ARO_ALLOW_PLAINTEXT_PAYLOADS'>): void {
  if (config.ARO_PAYLOAD_KEYS.length > 0 || config.ARO_ALLOW_PLAINTEXT_PAYLOADS) return;
  throw new Error(
    'ARO_PAYLOAD_KEYS is not set: Temporal would store patients\' names, phones and messages in clear. ' +
      'Set it to <keyId>:<base64 32-byte key> (e.g. k1:$(openssl rand -base64 32)), the same in the API and the worker, ' +
      'or set ARO_ALLOW_PLAINTEXT_PAYLOADS=1 to run without encryption.',
  );
}
