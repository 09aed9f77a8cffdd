// The bare-Temporal baselines ARO's figures are divided by: the least a workflow can do for each
// scenario, one no-op activity, on the same server. Workflow code: bundled and run in the sandbox.
import { condition, defineSignal, proxyActivities, setHandler, sleep } from '@temporalio/workflow';
import type * as activities from './bare-activities';

const { noteTime } = proxyActivities<typeof activities>({ startToCloseTimeout: '1 minute' });

/** What signal-with-start delivers to a bare workflow, like a booking event to ARO's lifecycle. */
export const bareBookingSignal = defineSignal<[string]>('bareBooking');
/** A reply, as the bare counterpart of ARO's inbound message. */
export const bareReplySignal = defineSignal<[string]>('bareReply');

/** Started by signal-with-start, as the booking webhook starts a lifecycle; runs its one activity. */
export async function bareBooking(): Promise<number> {
  let booked = false;
  setHandler(bareBookingSignal, () => void (booked = true));
  await condition(() => booked);
  return noteTime();
}

/** One no-op activity at once: the counterpart of a lifecycle's booking confirmation. */
export async function bareOneActivity(): Promise<number> {
  return noteTime();
}

/** Sleeps until `dueAtMs` (epoch ms), then runs one activity: the counterpart of a due reminder. */
export async function bareTimer(dueAtMs: number): Promise<number> {
  await sleep(Math.max(0, dueAtMs - Date.now()));
  return noteTime();
}

/** Waits for a reply, answers it with one activity, and completes: the counterpart of an acknowledgement. */
export async function bareReply(): Promise<number> {
  let replied = false;
  setHandler(bareReplySignal, () => void (replied = true));
  await condition(() => replied);
  return noteTime();
}
