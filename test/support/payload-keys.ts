// The payload key the tests' clients and workers share. Fixed, and public (it protects nothing): a
// history recorded by a test (`npm run record:histories`) must replay in every later run.
import type { DataConverter } from '@temporalio/common';
import { aroDataConverter } from '../../src/temporal/data-converter';
import { parsePayloadKeys } from '../../src/temporal/payload-codec';

/** Spread into a test's settings (loadConfig, or a process's environment). */
export const TEST_PAYLOAD_SETTINGS = { ARO_PAYLOAD_KEYS: 'test-1:KWl1IvAPVc3aJWAkGK2B2XQonQlaTye1KLl073SRwhE=' };

/** For the tests' own clients and replays, beside workers running with TEST_PAYLOAD_SETTINGS. */
export function testDataConverter(): DataConverter {
  return aroDataConverter({ ARO_PAYLOAD_KEYS: parsePayloadKeys(TEST_PAYLOAD_SETTINGS.ARO_PAYLOAD_KEYS, 'ARO_PAYLOAD_KEYS') });
}
