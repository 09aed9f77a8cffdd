// Scenario 4: a patient's "YES" through POST /dev/inbound until ARO has stored its acknowledgement, against
// a signal to a waiting bare workflow until its one activity has run.
import type { WorkflowHandle } from '@temporalio/client';
import { BARE_TASK_QUEUE } from '../bench-process';
import { bareReply, bareReplySignal } from '../baseline/bare-workflows';
import type { Figure, ScenarioResult } from '../figures';
import { waitForMessages } from '../messages';
import { countOutcomes, fireAtRate } from '../open-loop';
import { BENCH_POLICY } from '../policies';
import { workflowIdOf } from '../stack';
import { percentile } from '../stats';
import { bookAtRate, confirmationsSent, farAhead, patience, type ScenarioContext } from './scenario';

const SCENARIO = 'reply → acknowledgement';
const PREFIX = 'rp-';

export async function replyAcknowledgement(context: ScenarioContext): Promise<ScenarioResult> {
  const { stack, size, progress } = context;
  const { count, perSecond } = size.replies;
  const tenant = await stack.createTenant('Bench Replies', BENCH_POLICY);
  progress(`reply → acknowledgement: booking ${count} appointments, one phone each`);
  const phones = Array.from({ length: count }, () => stack.newPhone());
  const startsAt = farAhead();
  const bookings = await bookAtRate(stack, tenant, { prefix: PREFIX, count, perSecond: perSecond * 2, startsAt, phones });
  const booked = bookings.filter((s) => s.outcome === '202');
  // Replies go to settled lifecycles, as a patient answers a confirmation already received.
  await confirmationsSent(context, tenant, PREFIX, booked.length, patience(count, perSecond));

  progress(`reply → acknowledgement: ${booked.length} replies at ${perSecond}/s`);
  const replies = await fireAtRate(booked.length, perSecond, async (i) => String(await stack.postReply(tenant, phones[booked[i].index], 'YES')));
  const taken = replies.filter((s) => s.outcome === '202');
  const acks = await waitForMessages(
    stack.db,
    { tenantId: tenant.id, kind: 'confirm_ack', externalIdPrefix: PREFIX },
    taken.length,
    patience(count, perSecond),
    progress,
  );
  const aro = taken.map((s) => acks.get(workflowIdOf(tenant.id, `${PREFIX}${booked[s.index].index}`))! - s.scheduledAt);

  progress(`reply → acknowledgement: ${count} bare workflows waiting, then signalled at ${perSecond}/s`);
  const handles: WorkflowHandle<typeof bareReply>[] = await Promise.all(
    Array.from({ length: count }, (_, i) => stack.bareTemporal.workflow.start(bareReply, { workflowId: `bare-${PREFIX}${i}`, taskQueue: BARE_TASK_QUEUE })),
  );
  const signals = await fireAtRate(count, perSecond, async (i) => {
    await handles[i].signal(bareReplySignal, 'YES');
    return 'ok';
  });
  const signalled = signals.filter((s) => s.outcome === 'ok');
  const bareDone = await Promise.all(signalled.map((s) => handles[s.index].result()));
  const bare = signalled.map((s, i) => bareDone[i] - s.scheduledAt);

  const figures: Figure[] = [50, 95, 99].map((p) => ({
    scenario: SCENARIO,
    name: `reply → acknowledgement p${p} at ${perSecond}/s`,
    unit: 'ms',
    aro: percentile(aro, p),
    bare: percentile(bare, p),
  }));
  return { figures, notes: [`ARO answers ${JSON.stringify(countOutcomes(replies))}; bare ${JSON.stringify(countOutcomes(signals))}`] };
}
