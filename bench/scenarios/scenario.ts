// What every scenario gets: the running system, the load it is to apply, and a line printer for progress.
import { waitForMessages } from '../messages';
import { fireAtRate, type Shot } from '../open-loop';
import type { BenchSize } from '../sizes';
import type { BenchStack, BenchTenant } from '../stack';

export interface ScenarioContext {
  stack: BenchStack;
  size: BenchSize;
  progress(line: string): void;
}

export const SECOND = 1000;
export const DAY = 86_400_000;

/** Far enough ahead that no reminder of the default policy falls due during a run. */
export const farAhead = (): Date => new Date(Date.now() + 7 * DAY);

/**
 * How long a scenario waits for the effects of `count` requests at `perSecond` before it gives up: ten
 * times their sending time, plus as if the backlog drained at only 5 a second, plus two minutes.
 */
export const patience = (count: number, perSecond: number): number => (count / perSecond) * SECOND * 10 + count * 200 + 120 * SECOND;

export interface Bookings {
  /** External ids are this plus the booking's index. */
  prefix: string;
  count: number;
  perSecond: number;
  startsAt: Date;
  /** One per booking; by default each booking gets a phone of its own. */
  phones?: string[];
}

/** Books appointments open-loop through the signed booking webhook; each shot's outcome is the HTTP status. */
export function bookAtRate(stack: BenchStack, tenant: BenchTenant, bookings: Bookings): Promise<Shot[]> {
  const { prefix, count, perSecond, startsAt, phones } = bookings;
  return fireAtRate(count, perSecond, async (i) =>
    String(await stack.postBooking(tenant, { externalId: `${prefix}${i}`, startsAt, phone: phones?.[i] ?? stack.newPhone() })),
  );
}

/** Epoch ms each booking's confirmation was stored, once `accepted` of the prefix's bookings have theirs. */
export function confirmationsSent(
  { stack, progress }: ScenarioContext,
  tenant: BenchTenant,
  prefix: string,
  accepted: number,
  timeoutMs: number,
): Promise<Map<string, number>> {
  return waitForMessages(stack.db, { tenantId: tenant.id, kind: 'booking_confirmation', externalIdPrefix: prefix }, accepted, timeoutMs, progress);
}
