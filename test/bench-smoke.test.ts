// `npm run bench` must keep working: the whole harness, at its tiny size, as a command with --json,
// producing every figure of every scenario (what the figures are is the benchmark's business, not this test's);
// the timeline a late storm send is explained by in the notes, and the commands' --help.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { msToTs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import { benchmarksDoc } from '../bench/benchmarks-doc';
import { lateSendTimeline } from '../bench/scenarios/late-sends';
import type { BenchReport } from '../bench/run-bench';
import { BENCH_SIZES } from '../bench/sizes';

const run = promisify(execFile);

describe('npm run bench, at its tiny size', function () {
  let report: BenchReport;

  before(async function () {
    this.timeout(20 * 60_000);
    const { stdout } = await run(process.execPath, [require.resolve('../bench/aro-bench'), '--size', 'tiny', '--json'], {
      maxBuffer: 16 * 2 ** 20,
    });
    report = JSON.parse(stdout) as BenchReport;
  });

  it('reports every scenario, each figure for ARO and (where it has one) for its bare-Temporal baseline as a number', function () {
    const scenarios = [...new Set(report.figures.map((f) => f.scenario))];
    assert.deepEqual(scenarios.sort(), [
      'booking intake',
      'history per workflow',
      'lifecycle starts',
      'reminder storm',
      'reply → acknowledgement',
      'worker memory',
    ]);
    for (const figure of report.figures) {
      assert.ok(Number.isFinite(figure.aro), `${figure.scenario} / ${figure.name}: ARO's figure is ${figure.aro}`);
      if (figure.bare !== null) assert.ok(Number.isFinite(figure.bare), `${figure.scenario} / ${figure.name}: the baseline's figure is ${figure.bare}`);
    }
  });

  it('has each figure the harness promises', function () {
    const names = report.figures.map((f) => `${f.scenario} / ${f.name}`);
    const { intake, starts, storm, replies, memory } = BENCH_SIZES.tiny;
    const expected = [
      ...intake.perSecond.flatMap((r) => [
        ...[50, 95, 99].map((p) => `booking intake / latency p${p} at ${r}/s`),
        `booking intake / accepted per second at ${r}/s`,
      ]),
      ...[50, 95, 99].map((p) => `lifecycle starts / booked → first send p${p} at ${starts.perSecond}/s`),
      `lifecycle starts / completed per second at ${starts.perSecond}/s`,
      'lifecycle starts / worker CPU per start',
      'lifecycle starts / Temporal server CPU per start',
      'lifecycle starts / API CPU per booking',
      `reminder storm / lateness p50, ${storm.count} due at once`,
      `reminder storm / lateness p99, ${storm.count} due at once`,
      `reminder storm / drain rate, ${storm.count} due at once`,
      ...[50, 95, 99].map((p) => `reply → acknowledgement / reply → acknowledgement p${p} at ${replies.perSecond}/s`),
      'history per workflow / events, booking → confirmation sent',
      'history per workflow / bytes, booking → confirmation sent',
      'history per workflow / events, typical lifecycle',
      'history per workflow / bytes, typical lifecycle',
      `worker memory / held heap per cached workflow, ${memory.count} open`,
      `worker memory / RSS per cached workflow, ${memory.count} open`,
    ];
    for (const name of expected) assert.ok(names.includes(name), `missing: ${name}`);
  });

  it('counts every request it fired, and says what each process spent', function () {
    const { count } = BENCH_SIZES.tiny.intake;
    for (const line of report.notes['booking intake'].filter((l) => l.includes('ARO answers'))) {
      const answers = JSON.parse(/ARO answers (\{[^}]*\})/.exec(line)![1]) as Record<string, number>;
      assert.equal(Object.values(answers).reduce((a, b) => a + b, 0), count, line);
    }
    for (const scenario of new Set(report.figures.map((f) => f.scenario))) {
      assert.ok(report.notes[scenario].some((l) => l.startsWith('CPU seconds:')), `${scenario} has no CPU note`);
    }
  });

  it('renders docs/benchmarks.md with the machine, the size warning and every figure', function () {
    const doc = benchmarksDoc(report, 'a remark');
    assert.match(doc, new RegExp(`${report.machine.cores} cores`));
    assert.match(doc, /A tiny-size run/);
    assert.match(doc, /> a remark/);
    for (const figure of report.figures) assert.ok(doc.includes(`| ${figure.scenario} | ${figure.name} |`), figure.name);
  });
});

describe("a late send's timeline in the storm's notes", function () {
  const { EventType } = temporal.api.enums.v1;
  const dueAt = Date.parse('2026-11-29T12:00:00Z');
  const event = (
    eventType: temporal.api.enums.v1.EventType,
    afterMs: number,
    attributes: temporal.api.history.v1.IHistoryEvent = {},
  ): temporal.api.history.v1.IHistoryEvent => ({ eventType, eventTime: msToTs(dueAt + afterMs), ...attributes });

  it('starts at the timer that fired at the instant and says who took each task, what was sent and why it was tried again', function () {
    const lines = lateSendTimeline(
      [
        event(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED, -60_000),
        event(EventType.EVENT_TYPE_TIMER_FIRED, 100),
        event(EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED, 3_800, { workflowTaskStartedEventAttributes: { identity: 'worker-1' } }),
        event(EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED, 4_600, {
          activityTaskScheduledEventAttributes: { activityType: { name: 'messaging.send' }, taskQueue: { name: 'aro-pool-0' } },
        }),
        event(EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED, 66_000, {
          activityTaskStartedEventAttributes: { attempt: 2, identity: 'worker-2', lastFailure: { message: 'activity StartToClose timeout' } },
        }),
        event(EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED, 66_400),
      ],
      dueAt,
    );
    assert.deepEqual(lines, [
      '+0.1 s timer_fired',
      '+3.8 s workflow_task_started (worker-1)',
      '+4.6 s activity_task_scheduled (messaging.send on aro-pool-0)',
      '+66.0 s activity_task_started (attempt 2 by worker-2, after: activity StartToClose timeout)',
      '+66.4 s activity_task_completed',
    ]);
  });
});

describe('the bench commands’ options', function () {
  const bench = require.resolve('../bench/aro-bench');

  it('prints the usage for --help, and refuses an unknown option by name with the usage', async function () {
    const help = await run(process.execPath, [bench, '--help']);
    assert.match(help.stdout, /^Usage: npm run bench -- \[--small/);
    await assert.rejects(run(process.execPath, [bench, '--sise', 'tiny']), (err: { code: number; stderr: string }) => {
      assert.equal(err.code, 2);
      assert.match(err.stderr, /Unknown option '--sise'/);
      assert.match(err.stderr, /Usage: npm run bench/);
      return true;
    });
  });
});
