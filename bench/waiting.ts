// Polling with a deadline: the benchmark waits for effects it can only observe from outside (rows, workflow state).
import { setTimeout as sleep } from 'node:timers/promises';

const POLL_MS = 50;

/** Resolves once `done()` is true; fails naming `what` after `timeoutMs`. */
export async function waitUntil(what: string, timeoutMs: number, done: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(POLL_MS);
  }
}
