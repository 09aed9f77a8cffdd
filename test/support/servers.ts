// Real servers for tests: the throwaway PostgreSQL and Temporal dev server the benchmarks use too
// (src/toolchain/throwaway-servers.ts), and Temporal's time-skipping test server.
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { registerSearchAttributes } from '../../src/toolchain/search-attributes';
import { ensureTestServer } from '../../src/toolchain/test-server';

export {
  startThrowawayDatabase as startTestDatabase,
  startThrowawayTemporal as startTestTemporal,
  type ThrowawayDatabase as TestDatabase,
  type ThrowawayTemporal as TestTemporal,
} from '../../src/toolchain/throwaway-servers';

/**
 * Temporal's time-skipping test server, from the Java build our toolchain provides (never a
 * download), with ARO's search attributes registered in its `default` namespace.
 */
export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  const path = await ensureTestServer();
  const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path } } });
  try {
    await registerSearchAttributes(env.connection, env.namespace ?? 'default');
  } catch (err) {
    await env.teardown();
    throw err;
  }
  return env;
}
