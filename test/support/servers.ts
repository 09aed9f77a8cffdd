// Real servers for tests: the throwaway PostgreSQL, Temporal dev server and Temporal cluster the
// benchmarks use too (src/toolchain/throwaway-servers.ts), and Temporal's time-skipping test server.
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { registerSearchAttributes } from '../../src/toolchain/search-attributes';
import { ensureTestServer } from '../../src/toolchain/test-server';
import { testDataConverter } from './payload-keys';

export {
  startThrowawayDatabase as startTestDatabase,
  startThrowawayTemporal as startTestTemporal,
  startThrowawayTemporalCluster as startTestTemporalCluster,
  type ThrowawayDatabase as TestDatabase,
  type ThrowawayTemporal as TestTemporal,
  type ThrowawayTemporalCluster as TestTemporalCluster,
} from '../../src/toolchain/throwaway-servers';

/** The SDK gives the Java server 5 seconds to listen, which a busy 2-core machine can miss: try again. */
async function startTimeSkippingServer(path: string, attempts = 10): Promise<TestWorkflowEnvironment> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await TestWorkflowEnvironment.createTimeSkipping({
        server: { executable: { type: 'existing-path', path } },
        client: { dataConverter: testDataConverter() },
      });
    } catch (err) {
      if (attempt >= attempts || !String(err).includes('did not start within')) throw err;
    }
  }
}

/**
 * Temporal's time-skipping test server, from the Java build our toolchain provides (never a
 * download), with ARO's search attributes registered in its `default` namespace. Its client encrypts
 * payloads with the tests' key: run its workers with TEST_PAYLOAD_SETTINGS.
 */
export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  const path = await ensureTestServer();
  const env = await startTimeSkippingServer(path);
  try {
    await registerSearchAttributes(env.connection, env.namespace ?? 'default');
  } catch (err) {
    await env.teardown();
    throw err;
  }
  return env;
}
