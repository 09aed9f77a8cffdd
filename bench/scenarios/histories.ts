// Scenario 5: what ARO's workflows write to Temporal — events and encoded bytes of the history — for a
// booking up to its confirmation and for a whole typical lifecycle, against a bare one-activity workflow.
// The typical lifecycle runs on the real dev server in real time, its touches squeezed into seconds by
// the bench tenant's policy (TYPICAL_POLICY).
import type { Client } from '@temporalio/client';
import { temporal as proto } from '@temporalio/proto';
import type { Figure, ScenarioResult } from '../figures';
import { waitForMessages } from '../messages';
import { TYPICAL_LEAD_MS, TYPICAL_POLICY } from '../policies';
import { untilTaken, workflowIdOf } from '../stack';
import type { ScenarioContext } from './scenario';

const SCENARIO = 'history per workflow';
const EXTERNAL_ID = 'typical-1';

interface HistorySize {
  events: number;
  bytes: number;
}

async function historySize(client: Client, workflowId: string): Promise<HistorySize> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  return { events: history.events?.length ?? 0, bytes: proto.api.history.v1.History.encode(history).finish().length };
}

/**
 * Books one appointment and drives it through a typical life: booking confirmation, two reminders,
 * confirmed by the patient's reply, checked in, review request sent; answers its workflow id once closed.
 */
async function typicalLifecycle({ stack, progress }: ScenarioContext): Promise<string> {
  const tenant = await stack.createTenant('Bench Typical Lifecycle', TYPICAL_POLICY);
  const phone = stack.newPhone();
  const startsAt = new Date(Date.now() + TYPICAL_LEAD_MS);
  const booking = { externalId: EXTERNAL_ID, startsAt, phone };
  const workflowId = workflowIdOf(tenant.id, EXTERNAL_ID);
  const sent = (kind: string) => waitForMessages(stack.db, { tenantId: tenant.id, kind, externalIdPrefix: EXTERNAL_ID }, 1, 2 * TYPICAL_LEAD_MS, progress);
  const expect = async (what: string, send: () => Promise<number>) => {
    const answered = await untilTaken(send);
    if (answered !== 202) throw new Error(`typical lifecycle: ${what} got HTTP ${answered}`);
  };
  progress(`typical lifecycle: one appointment in ${TYPICAL_LEAD_MS / 1000} s, driven to its review request`);
  await expect('the booking', () => stack.postBooking(tenant, booking));
  await sent('booking_confirmation');
  await sent('reminder_confirm');
  await expect('the reply', () => stack.postReply(tenant, phone, 'YES'));
  await sent('confirm_ack');
  await sent('reminder_final');
  await expect('the check-in', () => stack.postBooking(tenant, { ...booking, type: 'appointment.checked_in' }));
  await sent('review_request');
  await stack.temporal.workflow.getHandle(workflowId).result();
  return workflowId;
}

export async function histories(context: ScenarioContext, sample: { aro: string; bare: string }): Promise<ScenarioResult> {
  const { stack } = context;
  const bare = await historySize(stack.temporal, sample.bare);
  const booked = await historySize(stack.temporal, sample.aro);
  const typical = await historySize(stack.temporal, await typicalLifecycle(context));
  const figures: Figure[] = [
    { scenario: SCENARIO, name: 'events, booking → confirmation sent', unit: 'events', aro: booked.events, bare: bare.events },
    { scenario: SCENARIO, name: 'bytes, booking → confirmation sent', unit: 'B', aro: booked.bytes, bare: bare.bytes },
    { scenario: SCENARIO, name: 'events, typical lifecycle', unit: 'events', aro: typical.events, bare: bare.events },
    { scenario: SCENARIO, name: 'bytes, typical lifecycle', unit: 'B', aro: typical.bytes, bare: bare.bytes },
  ];
  return {
    figures,
    notes: [
      'baseline: a bare workflow with one no-op activity, whole history',
      'typical lifecycle: booked, booking confirmation, two reminders, confirmed by reply, checked in, review request; real dev server, touches seconds apart',
    ],
  };
}
