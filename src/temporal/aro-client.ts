// The Temporal client the API talks to the cluster through, built the same way wherever the API runs
// (`npm run api`, `npm run dev`, the benchmarks, the tests): ARO's payload codec, and the trace header
// on starts, signals and updates only when tracing is on.
import { Client, type Connection } from '@temporalio/client';
import type { AroConfig } from '../config';
import { tracingClientInterceptors, type Tracing } from '../telemetry/tracing';
import { aroDataConverter } from './data-converter';

export function aroTemporalClient(
  config: Pick<AroConfig, 'TEMPORAL_NAMESPACE' | 'ARO_PAYLOAD_KEYS'>,
  connection: Connection,
  tracing?: Tracing,
): Client {
  return new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter: aroDataConverter(config), interceptors: tracingClientInterceptors(tracing) });
}
