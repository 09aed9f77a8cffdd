// Scenario 1: signed booking webhooks fired open-loop at fixed rates, against signal-with-start of a bare
// workflow from a plain Temporal client at the same rates.
import { BARE_TASK_QUEUE } from '../bench-process';
import { bareBooking, bareBookingSignal } from '../baseline/bare-workflows';
import type { Figure, ScenarioResult } from '../figures';
import { countOutcomes, fireAtRate, type Shot } from '../open-loop';
import { BENCH_POLICY } from '../policies';
import { percentile, ratePerSecond } from '../stats';
import { bookAtRate, confirmationsSent, farAhead, patience, type ScenarioContext } from './scenario';

const SCENARIO = 'booking intake';

function latencies(shots: Shot[]): number[] {
  return shots.map((s) => s.answeredAt - s.scheduledAt);
}

/** Answers taken on a second, from the first request's instant to the last answer. */
function acceptanceRate(shots: Shot[], accepted: string): number {
  const taken = shots.filter((s) => s.outcome === accepted);
  return ratePerSecond(taken.length, Math.min(...shots.map((s) => s.scheduledAt)), Math.max(...shots.map((s) => s.answeredAt)));
}

export async function bookingIntake(context: ScenarioContext): Promise<ScenarioResult> {
  const { stack, size, progress } = context;
  const tenant = await stack.createTenant('Bench Intake', BENCH_POLICY);
  const { count } = size.intake;
  const figures: Figure[] = [];
  const notes: string[] = [];
  for (const perSecond of size.intake.perSecond) {
    progress(`booking intake at ${perSecond}/s: ${count} signed webhooks to ARO`);
    const startsAt = farAhead();
    const prefix = `in${perSecond}-`;
    const aro = await bookAtRate(stack, tenant, { prefix, count, perSecond, startsAt });
    const accepted = aro.filter((s) => s.outcome === '202').length;
    // The next rate starts on a quiet system: every accepted booking's confirmation has gone out.
    progress(`  waiting for the ${accepted} accepted bookings' confirmations`);
    await confirmationsSent(context, tenant, prefix, accepted, patience(count, perSecond));

    progress(`booking intake at ${perSecond}/s: ${count} signal-with-starts of a bare workflow`);
    const started: Promise<number>[] = [];
    const bare = await fireAtRate(count, perSecond, async (i) => {
      const handle = await stack.bareTemporal.workflow.signalWithStart(bareBooking, {
        workflowId: `bare-${prefix}${i}`,
        taskQueue: BARE_TASK_QUEUE,
        signal: bareBookingSignal,
        signalArgs: ['booked'],
      });
      started.push(handle.result());
      return 'ok';
    });
    await Promise.all(started);
    const at = `at ${perSecond}/s`;
    for (const p of [50, 95, 99]) {
      figures.push({ scenario: SCENARIO, name: `latency p${p} ${at}`, unit: 'ms', aro: percentile(latencies(aro), p), bare: percentile(latencies(bare), p) });
    }
    figures.push({ scenario: SCENARIO, name: `accepted per second ${at}`, unit: '/s', aro: acceptanceRate(aro, '202'), bare: acceptanceRate(bare, 'ok') });
    notes.push(`${at}: ARO answers ${JSON.stringify(countOutcomes(aro))}; bare ${JSON.stringify(countOutcomes(bare))}`);
  }
  return { figures, notes };
}
