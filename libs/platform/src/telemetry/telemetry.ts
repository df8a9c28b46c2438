import { metrics, trace, type Meter, type Tracer } from '@opentelemetry/api';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader, type IMetricReader } from '@opentelemetry/sdk-metrics';
import { BatchSpanProcessor, NodeTracerProvider, type SpanProcessor } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { int, optional, url } from '../config/schema';

/** Config fragment for a service schema: where to export, if anywhere. */
export const telemetryConfigVars = {
  otlpEndpoint: optional(url('OTEL_EXPORTER_OTLP_ENDPOINT', { protocols: ['http:', 'https:'] })),
  metricExportIntervalMs: int('OTEL_METRIC_EXPORT_INTERVAL', { min: 1000, default: 60_000 }),
};

export interface TelemetrySettings {
  readonly serviceName: string;
  readonly serviceVersion?: string;
  /** OTLP/HTTP base URL (e.g. `http://collector:4318`); nothing leaves the process when unset. */
  readonly otlpEndpoint?: string | undefined;
  readonly metricExportIntervalMs?: number;
  /**
   * Install the providers, the async context manager and the W3C propagator as the process-wide
   * globals (default true). Without it, `trace.getActiveSpan()` would never see a span across `await`.
   */
  readonly registerGlobal?: boolean;
}

/** The process's tracing and metrics, started once in main.ts. */
export interface Telemetry {
  readonly tracerProvider: NodeTracerProvider;
  readonly meterProvider: MeterProvider;
  /** The pull reader behind `/metrics`; hand it to `buildHttpApp`. It never opens its own port. */
  readonly prometheus: PrometheusExporter;
  tracer(name: string): Tracer;
  meter(name: string): Meter;
  /** Flushes pending spans and metrics and stops the exporters. */
  shutdown(): Promise<void>;
}

/**
 * Starts OpenTelemetry for a service: a tracer provider (always, so trace ids exist and propagate;
 * spans exported over OTLP/HTTP only when an endpoint is configured) and a meter provider read by
 * Prometheus through `/metrics` and, when configured, pushed over OTLP too.
 * No auto-instrumentation: the platform's gRPC, HTTP, store and Kafka adapters make their own spans.
 */
export function startTelemetry(settings: TelemetrySettings): Telemetry {
  const resource = resourceFromAttributes({
    [ATTR_SERVICE_NAME]: settings.serviceName,
    ...(settings.serviceVersion ? { [ATTR_SERVICE_VERSION]: settings.serviceVersion } : {}),
  });
  const endpoint = settings.otlpEndpoint?.replace(/\/+$/, '');

  const spanProcessors: SpanProcessor[] = endpoint ? [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${endpoint}/v1/traces` }))] : [];
  const tracerProvider = new NodeTracerProvider({ resource, spanProcessors });

  const prometheus = new PrometheusExporter({ preventServerStart: true });
  const readers: IMetricReader[] = [prometheus];
  if (endpoint) {
    readers.push(
      new PeriodicExportingMetricReader({
        exporter: new OTLPMetricExporter({ url: `${endpoint}/v1/metrics` }),
        exportIntervalMillis: settings.metricExportIntervalMs ?? 60_000,
      }),
    );
  }
  const meterProvider = new MeterProvider({ resource, readers });

  if (settings.registerGlobal ?? true) {
    tracerProvider.register();
    metrics.setGlobalMeterProvider(meterProvider);
  }

  return {
    tracerProvider,
    meterProvider,
    prometheus,
    tracer: (name) => tracerProvider.getTracer(name),
    meter: (name) => meterProvider.getMeter(name),
    shutdown: async () => {
      await Promise.allSettled([tracerProvider.shutdown(), meterProvider.shutdown()]);
      if (settings.registerGlobal ?? true) {
        trace.disable();
        metrics.disable();
      }
    },
  };
}
