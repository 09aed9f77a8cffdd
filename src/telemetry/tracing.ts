// OpenTelemetry traces, from a webhook through Temporal (client, workflow, activities) to the provider's
// HTTP call, exported over OTLP/HTTP (JSON) when OTEL_EXPORTER_OTLP_ENDPOINT is set. Unset, nothing is
// sent and nothing is recorded: Workers get no tracing interceptors and run the workflow bundle without
// them (src/worker/workflow-bundle.ts), and OpenTelemetry's global tracer stays a no-op for ARO's own spans.
import { SpanKind, SpanStatusCode, trace, type Attributes, type Context } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor, type ReadableSpan, type Span, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { ClientInterceptors } from '@temporalio/client';
import {
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
  OpenTelemetryWorkflowClientInterceptor,
  makeWorkflowExporter,
  type OpenTelemetrySinks,
} from '@temporalio/interceptors-opentelemetry';
import type { InjectedSinks } from '@temporalio/worker';
import type { AroConfig } from '../config';
import type { WorkerFactory } from '../worker/worker-factory';
import { scrubPhones } from './logger';

/** ARO's processes as a tracing backend names them. */
export type ServiceName = 'aro-api' | 'aro-worker' | 'aro-dev';

export interface Tracing {
  /** Where every span of the process ends up, the workflows' included. */
  spanProcessor: SpanProcessor;
  resource: Resource;
  /** Sends the spans still buffered and stops exporting. */
  shutdown(): Promise<void>;
}

/**
 * Starts exporting the process's spans when OTEL_EXPORTER_OTLP_ENDPOINT is set (undefined otherwise):
 * registers the tracer provider, the async context that carries a span across awaits, and the W3C
 * trace-context propagation that Temporal's interceptors put into headers.
 */
export function startTracing(config: Pick<AroConfig, 'OTEL_EXPORTER_OTLP_ENDPOINT'>, service: ServiceName): Tracing | undefined {
  if (!config.OTEL_EXPORTER_OTLP_ENDPOINT) return undefined;
  // The standard variable names the collector's base URL; traces go to its /v1/traces.
  const url = `${config.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces`;
  const spanProcessor = new PhoneScrubbingProcessor(new BatchSpanProcessor(new OTLPTraceExporter({ url })));
  const resource = new Resource({ [ATTR_SERVICE_NAME]: service });
  const provider = new NodeTracerProvider({ resource, spanProcessors: [spanProcessor] });
  provider.register();
  return { spanProcessor, resource, shutdown: () => provider.shutdown() };
}

/**
 * Temporal's interceptors put a failure's message (and the exception event its stack) on the span; a
 * provider's error can quote the patient's number, so phone numbers are scrubbed from both on the way out.
 */
class PhoneScrubbingProcessor implements SpanProcessor {
  constructor(private readonly next: SpanProcessor) {}

  onStart(span: Span, parentContext: Context): void {
    this.next.onStart(span, parentContext);
  }

  onEnd(span: ReadableSpan): void {
    const status = span.status.message ? { ...span.status, message: scrubPhones(span.status.message) } : span.status;
    const events = span.events.map((event) => ({
      ...event,
      attributes: event.attributes && Object.fromEntries(Object.entries(event.attributes).map(([k, v]) => [k, typeof v === 'string' ? scrubPhones(v) : v])),
    }));
    // The span itself stays as the SDK made it (its methods read its own fields): the copy overrides two.
    this.next.onEnd(Object.create(span, { status: { value: status }, events: { value: events } }) as ReadableSpan);
  }

  forceFlush(): Promise<void> {
    return this.next.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.next.shutdown();
  }
}

/**
 * The interceptors of every Temporal client the API uses: starts, signals, updates and queries carry
 * the caller's trace. None without tracing: the interceptor would still put an empty trace header on
 * every start and signal, kept in each history for nothing.
 */
export function tracingClientInterceptors(tracing: Tracing | undefined): ClientInterceptors {
  return tracing ? { workflow: [new OpenTelemetryWorkflowClientInterceptor()] } : {};
}

/** Where the workflows' spans go when nothing exports them: replays of the traced bundle drop them. */
const DROPPED_WORKFLOW_SPANS: InjectedSinks<OpenTelemetrySinks> = { exporter: { export: { fn: () => undefined } } };

/**
 * The `exporter` sink through which the spans that the workflow interceptors of the traced bundle
 * (src/worker/workflow-bundle.ts) record in the sandbox leave it. Every Worker running that bundle
 * needs it, replay Workers too (without `tracing`, they drop what it is handed).
 */
export function workflowSpanSinks(tracing?: Tracing): InjectedSinks<OpenTelemetrySinks> {
  return tracing ? { exporter: makeWorkflowExporter(tracing.spanProcessor, tracing.resource) } : DROPPED_WORKFLOW_SPANS;
}

/**
 * Builds Workers that trace: each activity runs in a span continuing the workflow's trace, and the
 * workflows' spans are exported. Without `tracing`, Workers as `create` builds them: interceptors that
 * record nothing would still cost every activity and activation their work.
 */
export function tracedWorkers(create: WorkerFactory, tracing: Tracing | undefined): WorkerFactory {
  if (!tracing) return create;
  const sinks = workflowSpanSinks(tracing);
  return (options) =>
    create({
      ...options,
      interceptors: {
        ...options.interceptors,
        activity: [
          ...(options.interceptors?.activity ?? []),
          (ctx) => ({ inbound: new OpenTelemetryActivityInboundInterceptor(ctx), outbound: new OpenTelemetryActivityOutboundInterceptor(ctx) }),
        ],
      },
      sinks: { ...options.sinks, ...sinks },
    });
}

const tracer = () => trace.getTracer('aro');

/**
 * Runs `fn` in a span of its own, a child of the current one; a throw marks the span failed. Attributes
 * must hold no patient data (names, phones, texts): a tracing backend is outside ARO's protection.
 */
export function inSpan<T>(name: string, attributes: Attributes, fn: () => Promise<T>, kind: SpanKind = SpanKind.INTERNAL): Promise<T> {
  return tracer().startActiveSpan(name, { kind, attributes }, async (span) => {
    try {
      return await fn();
    } catch (err) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.name : 'error' });
      throw err;
    } finally {
      span.end();
    }
  });
}

export { SpanKind };
