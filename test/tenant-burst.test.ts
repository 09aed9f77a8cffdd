// One clinic's burst must not hold up another clinic's reminder: a CI-sized run of the burst
// benchmark (bench/tenant-burst.ts has the 500-reminder one), on the real servers.
import assert from 'node:assert/strict';
import { runBurst } from '../bench/tenant-burst';

describe("per-tenant send rates: one clinic's burst against another's single reminder", function () {
  it('the busy clinic sends at its own rate; the quiet clinic goes out long before that backlog drains', async function () {
    this.timeout(15 * 60_000);
    const result = await runBurst(40, 4);
    console.log(`      ${JSON.stringify(result)}`);
    // 40 messages at 4 a second take about 10 seconds, whatever the machine.
    assert.ok(result.busyDrainSeconds >= 7, `busy clinic drained in ${result.busyDrainSeconds}s: faster than its rate allows`);
    assert.ok(result.busyAveragePerSecond <= 4 * 1.25, `busy clinic averaged ${result.busyAveragePerSecond}/s over its rate of 4`);
    assert.ok(result.busySentBeforeQuiet < 20, `${result.busySentBeforeQuiet} of the busy clinic's messages went before the quiet one's`);
    assert.ok(result.quietLatencySeconds < result.busyDrainSeconds / 2, `the quiet clinic waited ${result.quietLatencySeconds}s`);
  });
});
