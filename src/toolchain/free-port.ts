// Finds a TCP port on 127.0.0.1 that nothing listens on, for servers started by tests and dev.
import { createServer } from 'node:net';

/**
 * Asks the kernel for an unused port and releases it at once. Another process could take it
 * before the caller binds it; for servers started moments later on a dev or CI machine that
 * race is rare enough, and the caller's start fails loudly if it happens.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
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
