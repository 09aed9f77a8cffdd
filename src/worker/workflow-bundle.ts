// Bundles the workflow code once per process; the core worker and the tests (replays included) share it.
// A traced bundle also holds Temporal's OpenTelemetry workflow interceptors, so that workflows continue
// the trace of the call that started or signalled them (src/telemetry/tracing.ts). They are left out
// when nothing exports traces: in the sandbox they build spans on every activation whether or not any
// leave it, which nearly doubled the worker's CPU per lifecycle (docs/benchmarks.md). They add no
// commands, so a history written by either bundle replays on the other.
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { log } from '../telemetry/logger';
import { FAILURE_CONVERTER_PATH } from '../temporal/data-converter';

const bundles = new Map<boolean, Promise<WorkflowBundleWithSourceMap>>();

/** `traced`: with the OpenTelemetry workflow interceptors; its Workers need the tracing sinks (tracedWorkers). */
export function workflowBundle({ traced }: { traced: boolean }): Promise<WorkflowBundleWithSourceMap> {
  let bundle = bundles.get(traced);
  if (!bundle) {
    bundle = bundleWorkflowCode({
      workflowsPath: require.resolve('../workflows'),
      failureConverterPath: FAILURE_CONVERTER_PATH,
      workflowInterceptorModules: traced ? [require.resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors')] : [],
      logger: {
        log() {},
        trace() {},
        debug() {},
        info() {},
        warn: (message, meta) => log.warn({ component: 'workflow-bundle', ...meta }, message),
        error: (message, meta) => log.error({ component: 'workflow-bundle', ...meta }, message),
      },
    });
    bundles.set(traced, bundle);
  }
  return bundle;
}
