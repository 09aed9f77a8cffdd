// The payload key the tests' clients and workers share. Fixed, and public (it protects nothing): a
// history recorded by a test (`npm run record:histories`) must replay in every later run.
import type { DataConverter } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import { aroDataConverter, aroPayloadCodec } from '../../src/temporal/data-converter';
import { parsePayloadKeys } from '../../src/temporal/payload-codec';
import { historyBytes, historyPayloads } from './patient-payloads';

/** Spread into a test's settings (loadConfig, or a process's environment). */
export const TEST_PAYLOAD_SETTINGS = { ARO_PAYLOAD_KEYS: 'test-1:KWl1IvAPVc3aJWAkGK2B2XQonQlaTye1KLl073SRwhE=' };

/** For the tests' own clients and replays, beside workers running with TEST_PAYLOAD_SETTINGS. */
export function testDataConverter(): DataConverter {
  return aroDataConverter(testPayloadSettings());
}

function testPayloadSettings() {
  return { ARO_PAYLOAD_KEYS: parsePayloadKeys(TEST_PAYLOAD_SETTINGS.ARO_PAYLOAD_KEYS, 'ARO_PAYLOAD_KEYS') };
}

/**
 * A history as a test that hunts for a secret must read it: the bytes Temporal keeps, followed by
 * every payload decoded with the tests' key (encrypted payloads would hide a leak from a raw scan).
 */
export async function historyWithPayloadsDecoded(history: temporal.api.history.v1.IHistory): Promise<Buffer> {
  const decoded = await aroPayloadCodec(testPayloadSettings()).decode(historyPayloads(history).map((found) => found.payload));
  return Buffer.concat([historyBytes(history), ...decoded.map((p) => Buffer.from(p.data ?? new Uint8Array()))]);
}
