// Open-loop load: each request is fired at its scheduled instant whatever the earlier ones are doing,
// so a slow server meets a growing queue (as in production) instead of a politely slowing client, and
// latency is counted from the scheduled instant (no coordinated omission).
import { setTimeout as sleep } from 'node:timers/promises';

export interface Shot {
  index: number;
  /** Epoch ms the request was due. */
  scheduledAt: number;
  /** Epoch ms its answer arrived. */
  answeredAt: number;
  /** An HTTP status, `ok`, or what went wrong. */
  outcome: string;
}

/** Fires `count` requests at `perSecond`, and resolves with every answer once all have come back. */
export async function fireAtRate(count: number, perSecond: number, send: (index: number) => Promise<string>): Promise<Shot[]> {
  const start = Date.now() + 20;
  const shots: Promise<Shot>[] = [];
  for (let index = 0; index < count; index++) {
    const scheduledAt = start + (index * 1000) / perSecond;
    const wait = scheduledAt - Date.now();
    if (wait > 0) await sleep(wait);
    shots.push(
      send(index).then(
        (outcome) => ({ index, scheduledAt, answeredAt: Date.now(), outcome }),
        (err: Error) => ({ index, scheduledAt, answeredAt: Date.now(), outcome: err.name === 'TimeoutError' ? 'timeout' : 'error' }),
      ),
    );
  }
  return Promise.all(shots);
}

/** Outcome → how many, e.g. { "202": 1498, "timeout": 2 }. */
export function countOutcomes(shots: Shot[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const shot of shots) counts[shot.outcome] = (counts[shot.outcome] ?? 0) + 1;
  return counts;
}
