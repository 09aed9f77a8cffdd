// What `npm run dev` and `npm run cluster` started, stopped in the reverse of its start order, on Ctrl-C
// (SIGINT), SIGTERM or a failed start: the processes that use a server go before the server.
import { log } from '../src/telemetry/logger';

export interface StopList {
  /** Each part's stop, pushed as the part starts. */
  stops: (() => Promise<unknown>)[];
  /** Runs the stops, last pushed first; one that fails is reported and the others still run. */
  stopAll(): Promise<void>;
}

export function stopInOrderOnSignals(tag: string): StopList {
  const stops: (() => Promise<unknown>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) {
      await stop().catch((err: unknown) => log.error({ component: tag, err }, 'while stopping'));
    }
  };
  let stopping: Promise<void> | undefined;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log.info({ component: tag, signal }, `${signal}: stopping`);
      stopping ??= stopAll().then(() => process.exit(0));
    });
  }
  return { stops, stopAll };
}
