// Replays recorded histories of real runs against the current workflow code, through ARO's data
// converter: histories written before payload encryption (in clear) read as they are. Both workflow
// bundles replay them, the traced one (OpenTelemetry interceptors) and the plain one, since a worker
// started with or without tracing picks up whatever is open.
import assert from 'node:assert/strict';
import { Worker } from '@temporalio/worker';
import { workflowSpanSinks } from '../src/telemetry/tracing';
import { workflowBundle } from '../src/worker/workflow-bundle';
import { recordedHistories } from './support/histories';
import { testDataConverter } from './support/payload-keys';

describe('recorded histories replay against the current workflow code', function () {
  this.timeout(120_000);

  for (const traced of [false, true]) {
    it(`replays every history in test/histories without non-determinism (${traced ? 'traced' : 'plain'} bundle)`, async () => {
      const recorded = await recordedHistories();
      assert.ok(recorded.length > 0, 'no recorded histories in test/histories: run `npm run record:histories`');
      const histories = recorded.map(({ name, history }) => ({ workflowId: name, history }));
      const results = [];
      for await (const result of Worker.runReplayHistories(
        { workflowBundle: await workflowBundle({ traced }), dataConverter: testDataConverter(), ...(traced ? { sinks: workflowSpanSinks() } : {}) },
        histories,
      )) {
        results.push(result);
      }
      assert.equal(results.length, recorded.length);
      for (const r of results) assert.equal(r.error, undefined, `${r.workflowId}: ${r.error}`);
    });
  }
});
