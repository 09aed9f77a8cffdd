// The Temporal Runtime of a process that runs workers (`npm run worker`, `npm run dev`): its logs go
// through ARO's logger, and its workers' metrics are read back into ARO's own /metrics.
//
// The SDK's metrics come from its Rust core. Of the ways to get them out, its Prometheus exporter on a
// loopback port, read at each scrape of ARO's /metrics and appended there, is the one that keeps
// Temporal's own names, types and buckets exactly as Temporal's dashboards and docs expect them, and is
// stable API; the buffered exporter (re-recording each update into prom-client) is experimental and
// drops updates unless drained on a timer, and an OTLP push would need a collector that not every
// operator runs. The cost is one port bound to 127.0.0.1 only.
import { Runtime, type LogLevel as TemporalLogLevel } from '@temporalio/worker';
import type { AroConfig } from '../config';
import { freePort } from '../toolchain/free-port';
import { temporalLogger } from './log-adapters';
import { log, type LogLevel } from './logger';

const CORE_LOG_LEVELS: Record<LogLevel, TemporalLogLevel> = { debug: 'DEBUG', info: 'INFO', warn: 'WARN', error: 'ERROR' };

/** How long a scrape waits for the SDK's exporter; ARO's own metrics are answered without them past it. */
const SCRAPE_TIMEOUT_MS = 2_000;

/** The Temporal SDK's worker metrics (Prometheus text), as its exporter shows them right now. */
export interface TemporalSdkMetrics {
  scrape(): Promise<string>;
}

/**
 * Installs the process's Temporal Runtime; call it once, before any NativeConnection or Worker.
 * The process's own signal handlers stop the workers: Temporal's runtime stopping them behind the
 * supervisors' back would read as failures to restart.
 */
export async function installTemporalRuntime(config: Pick<AroConfig, 'ARO_LOG_LEVEL'>): Promise<TemporalSdkMetrics> {
  const port = await freePort();
  const logger = log.child({ component: 'temporal' }, { level: config.ARO_LOG_LEVEL });
  Runtime.install({
    logger: temporalLogger(logger),
    shutdownSignals: [],
    telemetryOptions: {
      // The core's own logs (polling, connections) join the SDK's instead of going to the console.
      logging: { filter: { core: CORE_LOG_LEVELS[config.ARO_LOG_LEVEL], other: 'ERROR' }, forward: {} },
      metrics: {
        // Prometheus' conventions, as Temporal's published dashboards read them: seconds, `_total`, units in names.
        prometheus: { bindAddress: `127.0.0.1:${port}`, countersTotalSuffix: true, unitSuffix: true, useSecondsForDurations: true },
      },
    },
  });
  const url = `http://127.0.0.1:${port}/metrics`;
  return {
    async scrape() {
      try {
        const res = await fetch(url, { signal: AbortSignal.timeout(SCRAPE_TIMEOUT_MS) });
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        return await res.text();
      } catch (err) {
        logger.warn({ err }, "Temporal SDK metrics could not be read; /metrics answers with ARO's own only");
        return '';
      }
    },
  };
}
