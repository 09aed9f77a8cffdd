// The order of a sent message's delivery statuses, so that callbacks arriving out of order never
// move a message backwards (a late "sent" does not undo "delivered"). Pure: the workflow uses it too.
const RANK: Record<string, number> = {
  /** ARO's own: recorded, the provider has not answered yet. */
  pending: 0,
  accepted: 1,
  scheduled: 1,
  queued: 1,
  sending: 2,
  sent: 3,
  failed: 4,
  undelivered: 4,
  delivered: 5,
  read: 6,
};

/** Whether `next` is news after `current`; unknown statuses are never news. */
export function advancesDelivery(current: string, next: string): boolean {
  const to = RANK[next];
  return to !== undefined && to > (RANK[current] ?? -1);
}

/** Statuses lower than `next`: those a report of `next` may replace (a compare-and-set in SQL). */
export function statusesBefore(next: string): string[] {
  return Object.keys(RANK).filter((s) => advancesDelivery(s, next));
}

/** Statuses higher than `current`: those that are news after it. */
export function statusesAfter(current: string): string[] {
  return Object.keys(RANK).filter((s) => advancesDelivery(current, s));
}

export function isDeliveryFailure(status: string): boolean {
  return status === 'failed' || status === 'undelivered';
}

/** Delivered (or read), or failed for good: nothing more to wait for. */
export function isDeliverySettled(status: string): boolean {
  return (RANK[status] ?? 0) >= RANK.failed;
}
