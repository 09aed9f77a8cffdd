// Bundles the workflow code once per process; the core worker and the tests (replays included) share it.
// Temporal's OpenTelemetry workflow interceptors are part of it, so workflows continue the trace of the
// call that started or signalled them (src/telemetry/tracing.ts).
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { log } from '../telemetry/logger';
import { FAILURE_CONVERTER_PATH } from '../temporal/data-converter';

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;

export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({
    workflowsPath: require.resolve('../workflows'),
    failureConverterPath: FAILURE_CONVERTER_PATH,
    workflowInterceptorModules: [require.resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors')],
    logger: {
      log() {},
      trace() {},
      debug() {},
      info() {},
      warn: (message, meta) => log.warn({ component: 'workflow-bundle', ...meta }, message),
      error: (message, meta) => log.error({ component: 'workflow-bundle', ...meta }, message),
    },
  });
  return bundle;
}
