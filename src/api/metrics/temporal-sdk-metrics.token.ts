// The Temporal SDK's metrics of the workers running in the API's own process (`npm run dev`), when there
// are any: the API's /metrics then shows them after its own. In production the worker process does.
export const TEMPORAL_SDK_METRICS = Symbol('TemporalSdkMetrics');
