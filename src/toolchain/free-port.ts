// Finds a TCP port on 127.0.0.1 that nothing listens on, for servers started by tests and dev.
import { createServer } from 'node:net';

/**
 * Asks the kernel for an unused port and releases it at once. Another process could take it
 * before the caller binds it; for servers started moments later on a dev or CI machine that
 * race is rare enough, and the caller's start fails loudly if it happens.
 */
export function freePort(): Promise<number> {
  return listenOnce(0);
}

/**
 * A port below `limit` that nothing listens on, for servers that cannot take the kernel's ephemeral
 * ports (32768 and up on Linux): Temporal keeps its membership ports in a SMALLINT column. Tries
 * random ports from 10000 up; the same race as freePort().
 */
export async function freePortBelow(limit: number): Promise<number> {
  const lowest = 10_000;
  for (let attempt = 0; attempt < 50; attempt++) {
    const candidate = lowest + Math.floor(Math.random() * (limit - lowest));
    try {
      return await listenOnce(candidate);
    } catch {
      // Taken: try another.
    }
  }
  throw new Error(`found no free port between ${lowest} and ${limit} in 50 tries`);
}

/** Listens on `port` (0: any) on 127.0.0.1 and releases it at once; answers the port it got. */
function listenOnce(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error(`expected a TCP address from the probe listener, got ${String(address)}`));
        return;
      }
      server.close(() => resolve(address.port));
    });
  });
}
