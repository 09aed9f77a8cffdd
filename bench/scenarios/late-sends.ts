// Why a send came late: the timeline of its workflow's history around the instant it was due — the
// timer, the workflow task that scheduled the send (which worker took it, when), and the send
// activity's schedule, start (attempt, worker) and end — so that an outlier in a storm says where its
// time went (a task waiting in a queue, a worker that took it and never answered, a retry).
import type { Client } from '@temporalio/client';
import { temporal as proto } from '@temporalio/proto';

type HistoryEvent = proto.api.history.v1.IHistoryEvent;
const { EventType } = proto.api.enums.v1;

function millisOf(event: HistoryEvent): number {
  const t = event.eventTime;
  return t ? Number(t.seconds ?? 0) * 1000 + Math.round((t.nanos ?? 0) / 1e6) : NaN;
}

/** Seconds after `dueAt`, signed, one decimal. */
const at = (event: HistoryEvent, dueAt: number): string => {
  const s = (millisOf(event) - dueAt) / 1000;
  return `${s >= 0 ? '+' : ''}${s.toFixed(1)} s`;
};

/** What the timeline tells of an event, by its type: who took a task, what a send was, why it failed. */
const DETAIL_OF: Partial<Record<number, (e: HistoryEvent) => string | null | undefined>> = {
  [EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED]: (e) => e.workflowTaskStartedEventAttributes?.identity,
  [EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT]: (e) => `timed out (${e.workflowTaskTimedOutEventAttributes?.timeoutType})`,
  [EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED]: ({ activityTaskScheduledEventAttributes: a }) => `${a?.activityType?.name} on ${a?.taskQueue?.name}`,
  [EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED]: ({ activityTaskStartedEventAttributes: a }) =>
    `attempt ${a?.attempt} by ${a?.identity}${a?.lastFailure ? `, after: ${a.lastFailure.message}` : ''}`,
  [EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED]: (e) => e.activityTaskFailedEventAttributes?.failure?.message,
  [EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT]: (e) => `timed out: ${e.activityTaskTimedOutEventAttributes?.failure?.message}`,
};

/** One line per event from the last timer that fired before the send onwards, for a report's notes. */
export function lateSendTimeline(events: HistoryEvent[], dueAt: number): string[] {
  const firstFiredAfter = events.findIndex((e) => e.eventType === EventType.EVENT_TYPE_TIMER_FIRED && millisOf(e) >= dueAt - 5000);
  const from = firstFiredAfter >= 0 ? firstFiredAfter : Math.max(0, events.length - 12);
  return events.slice(from).map((e) => {
    const type = e.eventType ?? EventType.EVENT_TYPE_UNSPECIFIED;
    const name = EventType[type].replace('EVENT_TYPE_', '').toLowerCase();
    const detail = DETAIL_OF[type]?.(e);
    return `${at(e, dueAt)} ${name}${detail ? ` (${detail})` : ''}`;
  });
}

/** The timelines of the latest sends (at most `limit`), as note lines. */
export async function explainLateSends(client: Client, sends: Map<string, number>, dueAt: number, limit: number): Promise<string[]> {
  const latest = [...sends].sort(([, a], [, b]) => b - a).slice(0, limit);
  const notes: string[] = [];
  for (const [workflowId, sentAt] of latest) {
    const history = await client.workflow.getHandle(workflowId).fetchHistory();
    notes.push(`late send ${workflowId}, stored ${((sentAt - dueAt) / 1000).toFixed(1)} s after the instant: ${lateSendTimeline(history.events ?? [], dueAt).join('; ')}`);
  }
  return notes;
}
