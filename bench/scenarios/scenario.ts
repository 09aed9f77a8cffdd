// What every scenario gets: the running system, the load it is to apply, and a line printer for progress.
import type { BenchSize } from '../sizes';
import type { BenchStack } from '../stack';

export interface ScenarioContext {
  stack: BenchStack;
  size: BenchSize;
  progress(line: string): void;
}

export const SECOND = 1000;
export const DAY = 86_400_000;

/** Far enough ahead that no reminder of the default policy falls due during a run. */
export const farAhead = (): Date => new Date(Date.now() + 7 * DAY);

/** How long a scenario waits for effects of `count` requests at `perSecond` before it gives up. */
export const patience = (count: number, perSecond: number): number => (count / perSecond) * SECOND * 10 + 120 * SECOND;
