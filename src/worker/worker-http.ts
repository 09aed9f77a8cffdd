// The worker process's HTTP port (ARO_WORKER_HTTP_PORT): GET /healthz (the process answers), GET /readyz
// (every task queue's worker runs) and GET /metrics (Prometheus: ARO's worker and skill metrics, then
// the Temporal SDK's). Not meant to face the internet: /readyz names each queue's last error.
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry, collectDefaultMetrics } from 'prom-client';
import type { TemporalSdkMetrics } from '../telemetry/temporal-runtime';
import type { WorkerStatuses } from './supervised-worker';
import { registerWorkerMetrics } from './worker-metrics';
import { workerReadiness } from './worker-readiness';

export interface WorkerHttpOptions {
  workers: WorkerStatuses;
  /** Appended to ARO's own metrics at each scrape. */
  sdkMetrics?: TemporalSdkMetrics;
  /** 0 picks a free port. */
  port: number;
  host?: string;
}

export interface RunningWorkerHttp {
  url: string;
  close(): Promise<void>;
}

export async function startWorkerHttp({ workers, sdkMetrics, port, host = '0.0.0.0' }: WorkerHttpOptions): Promise<RunningWorkerHttp> {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  registerWorkerMetrics(registry, workers);

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://worker').pathname;
    if (req.method !== 'GET') return answer(res, 405, { error: 'method not allowed' });
    switch (path) {
      case '/healthz':
        return answer(res, 200, { status: 'ok' });
      case '/readyz': {
        const { ready, queues } = workerReadiness(workers.statuses(), { withErrors: true });
        return answer(res, ready ? 200 : 503, { status: ready ? 'ok' : 'unavailable', queues });
      }
      case '/metrics':
        Promise.all([registry.metrics(), sdkMetrics?.scrape() ?? '']).then(
          ([aro, sdk]) => {
            res.writeHead(200, { 'content-type': registry.contentType });
            res.end(sdk ? `${aro}\n${sdk}` : aro);
          },
          (err: unknown) => answer(res, 500, { error: err instanceof Error ? err.message : String(err) }),
        );
        return;
      default:
        return answer(res, 404, { error: 'not found' });
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${bound}`,
    close: () => new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
}

function answer(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}
