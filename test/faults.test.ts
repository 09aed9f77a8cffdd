// Faults survived, measured: ARO as deployed (API and worker processes, Temporal on SQLite,
// PostgreSQL, Twilio) takes a clinic's bookings, replies and receipts while its worker is killed,
// Temporal and PostgreSQL restart and Twilio fails — and nothing is sent twice, nothing accepted is
// lost, no workflow fails. `npm test` runs a small drill; `npm run test:faults` the 500-appointment one
// (ARO_FAULTS_APPOINTMENTS sets the size).
import assert from 'node:assert/strict';
import { runFaultDrill, type FaultDrillResult } from './support/fault-drill';

const APPOINTMENTS = Number(process.env.ARO_FAULTS_APPOINTMENTS ?? 24);
if (!Number.isInteger(APPOINTMENTS) || APPOINTMENTS < 12) {
  // Fewer than two appointments per fault and some faults would meet no traffic.
  throw new Error(`ARO_FAULTS_APPOINTMENTS: ${JSON.stringify(process.env.ARO_FAULTS_APPOINTMENTS)} must be a whole number of at least 12`);
}

function print(result: FaultDrillResult): void {
  const lines = [
    `appointments booked ${result.appointments}, accepted ${result.bookingsAccepted}; replies accepted ${result.repliesAccepted}; messages at Twilio ${result.messagesAtTwilio}`,
    `API answers (route status: count): ${JSON.stringify(result.answers)}`,
    `messages sent twice to a patient, by command id: ${result.sentTwiceByCommand}`,
    `messages sent twice to a patient, by phone + template kind: ${result.sentTwiceByKind}`,
    `accepted bookings without their booking confirmation: ${result.bookingsWithoutConfirmation}`,
    `accepted replies without their answer: ${result.repliesWithoutAnswer}`,
    `accepted delivery receipts the clinic does not see applied: ${result.receiptsNotApplied}`,
    `failed, terminated or timed-out workflows: ${result.failedWorkflows.length}`,
    `sends no command explains: ${result.unexplainedSends}; appointments whose snapshot or GraphQL view could not be read: ${result.unreadableWorkflows}`,
    `processes that exited on their own (restarted): ${result.unexpectedExits.map((e) => `${e.role} (${e.signal ?? e.code})`).join(', ') || 'none'}`,
    `everything promised reached Twilio before the idle limit: ${result.settled}`,
    'time to recover, from the end of the fault to the first message at Twilio / the first delivery accepted / all it held up served:',
    ...result.recoveries.map(
      (r) =>
        `  ${r.fault}: ${fmt(r.firstSendMs)} / ${fmt(r.firstAcceptedMs)} / ${fmt(r.backlogClearedMs)} ` +
        `(${r.hits} requests met the fault, ${r.heldUp} appointments held up)`,
    ),
    ...Object.entries(result.examples).map(([figure, examples]) => `e.g. ${figure}: ${examples.join(' | ')}`),
  ];
  for (const line of lines) console.log(`      ${line}`);
}

function fmt(ms: number | null): string {
  return ms === null ? 'never' : `${(ms / 1000).toFixed(1)} s`;
}

describe('faults survived: worker kills, Temporal and PostgreSQL restarts, Twilio failures', function () {
  it(`${APPOINTMENTS} appointments: nothing sent twice, nothing accepted lost, no workflow failed`, async function () {
    this.timeout(60 * 60_000);
    const result = await runFaultDrill({
      appointments: APPOINTMENTS,
      outageMs: 8_000,
      idleLimitMs: 120_000,
      report: (line) => console.log(`      ${line}`),
    });
    print(result);
    // The controls: the drill really ran, and every fault met traffic.
    assert.equal(result.bookingsAccepted, result.appointments, 'every booking was accepted in the end');
    for (const r of result.recoveries) assert.ok(r.hits > 0, `${r.fault} met no request: it tested nothing`);
    assert.equal(result.unreadableWorkflows, 0, 'every appointment could be read back');
    assert.equal(result.sentTwiceByCommand, 0, 'messages sent twice (by command id)');
    assert.equal(result.sentTwiceByKind, 0, 'messages sent twice (by phone and template kind)');
    assert.equal(result.bookingsWithoutConfirmation, 0, 'accepted bookings without their confirmation');
    assert.equal(result.repliesWithoutAnswer, 0, 'accepted replies without their answer');
    assert.equal(result.receiptsNotApplied, 0, 'accepted delivery receipts lost');
    assert.deepEqual(result.failedWorkflows, [], 'failed workflows');
    assert.equal(result.unexplainedSends, 0, 'sends no command explains');
  });
});
