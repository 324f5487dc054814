import { metrics, trace } from '@opentelemetry/api';
import { OTLPMetricExporter as OtlpJsonMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as OtlpProtoMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter as OtlpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BatchSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { createRuntimeTelemetry, registerRuntimeTelemetry } from '@llm-teams/runtime';
import { LabError } from '../lab-error.js';

/*
 * The OpenTelemetry SDK of the command line (docs/observability.md). The runtime and the agents
 * depend on the API only; this is the one place that decides whether spans are exported, from
 * the standard variables. Nothing is set up, and the hosts pay nothing, unless an endpoint is.
 */

export type OtlpProtocol = 'http/protobuf' | 'http/json';

export interface SignalSettings {
  /** `<endpoint>/v1/<signal>`, or the signal's own endpoint as given. */
  url: string;
  protocol: OtlpProtocol;
}

export interface TelemetrySettings {
  /** Spans; undefined when off. */
  traces: SignalSettings | undefined;
  /** Metrics; undefined when off. */
  metrics: (SignalSettings & { intervalMs: number }) | undefined;
  serviceName: string;
}

export interface TelemetrySession {
  readonly settings: TelemetrySettings;
  /** Exports what is pending and stops the SDK. */
  shutdown(): Promise<void>;
}

const PROTOCOLS: readonly OtlpProtocol[] = ['http/protobuf', 'http/json'];

/** One signal's settings from the standard variables, or undefined when it is off. */
function signalSettings(
  env: NodeJS.ProcessEnv,
  signal: 'traces' | 'metrics',
): SignalSettings | undefined {
  const upper = signal.toUpperCase();
  const exporterVar = `OTEL_${upper}_EXPORTER`;
  const exporters = (env[exporterVar] ?? 'otlp').split(',').map((s) => s.trim());
  if (exporters.includes('none')) return undefined;
  const unknown = exporters.filter((e) => e !== 'otlp' && e !== '');
  if (unknown.length > 0) {
    throw new LabError(
      'INVALID_ARGUMENT',
      `${exporterVar}=${unknown.join(',')} is not supported (otlp or none)`,
    );
  }
  const ownVar = `OTEL_EXPORTER_OTLP_${upper}_ENDPOINT`;
  const own = env[ownVar]?.trim();
  const endpoint = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  if (!own && !endpoint) return undefined;
  const url = own || `${endpoint!.replace(/\/+$/, '')}/v1/${signal}`;
  try {
    new URL(url);
  } catch {
    const name = own ? ownVar : 'OTEL_EXPORTER_OTLP_ENDPOINT';
    throw new LabError('INVALID_ARGUMENT', `${name} is not a URL: ${url}`);
  }
  const ownProtocolVar = `OTEL_EXPORTER_OTLP_${upper}_PROTOCOL`;
  const protocolVar = env[ownProtocolVar] ? ownProtocolVar : 'OTEL_EXPORTER_OTLP_PROTOCOL';
  const protocol = (env[protocolVar]?.trim() || 'http/protobuf') as OtlpProtocol;
  if (!PROTOCOLS.includes(protocol)) {
    throw new LabError(
      'INVALID_ARGUMENT',
      `${protocolVar}=${protocol} is not supported (http/protobuf or http/json)`,
    );
  }
  return { url, protocol };
}

/**
 * What the standard variables ask for; undefined when both traces and metrics are off (no
 * endpoint, or `OTEL_TRACES_EXPORTER` / `OTEL_METRICS_EXPORTER` = `none`). Names the variable
 * of a value it cannot use.
 */
export function telemetrySettings(env: NodeJS.ProcessEnv): TelemetrySettings | undefined {
  const traces = signalSettings(env, 'traces');
  const metricSignal = signalSettings(env, 'metrics');
  if (!traces && !metricSignal) return undefined;
  const interval = Number(env.OTEL_METRIC_EXPORT_INTERVAL ?? 60_000);
  if (!Number.isInteger(interval) || interval <= 0) {
    throw new LabError(
      'INVALID_ARGUMENT',
      `OTEL_METRIC_EXPORT_INTERVAL=${env.OTEL_METRIC_EXPORT_INTERVAL} is not a positive integer (ms)`,
    );
  }
  return {
    traces,
    metrics: metricSignal ? { ...metricSignal, intervalMs: interval } : undefined,
    serviceName: env.OTEL_SERVICE_NAME?.trim() || 'llm-teams',
  };
}

/**
 * Starts the SDK when the variables ask for it: a tracer provider (W3C trace context, batch
 * export over OTLP) registered globally, and the runtime's telemetry registered so every host
 * this process creates records spans. Undefined (and nothing started) when traces are off.
 */
export function startTelemetry(env: NodeJS.ProcessEnv): TelemetrySession | undefined {
  const settings = telemetrySettings(env);
  if (!settings) return undefined;
  const resource = resourceFromAttributes({
    [ATTR_SERVICE_NAME]: settings.serviceName,
    [ATTR_SERVICE_VERSION]: '0.1.0',
  });
  let tracerProvider: NodeTracerProvider | undefined;
  if (settings.traces) {
    const { url, protocol } = settings.traces;
    const exporter: SpanExporter =
      protocol === 'http/json' ? new OtlpJsonExporter({ url }) : new OtlpProtoExporter({ url });
    tracerProvider = new NodeTracerProvider({
      resource,
      spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: 500 })],
    });
    tracerProvider.register();
  }
  let meterProvider: MeterProvider | undefined;
  if (settings.metrics) {
    const { url, protocol, intervalMs } = settings.metrics;
    const exporter =
      protocol === 'http/json'
        ? new OtlpJsonMetricExporter({ url })
        : new OtlpProtoMetricExporter({ url });
    meterProvider = new MeterProvider({
      resource,
      readers: [new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: intervalMs })],
    });
    metrics.setGlobalMeterProvider(meterProvider);
  }
  registerRuntimeTelemetry(
    createRuntimeTelemetry({
      // Without a provider the API's tracer is a no-op: metrics alone cost no spans.
      tracer: trace.getTracer('@llm-teams/lab'),
      ...(meterProvider ? { meter: meterProvider.getMeter('@llm-teams/lab') } : {}),
    }),
  );
  return {
    settings,
    async shutdown() {
      registerRuntimeTelemetry(undefined);
      await Promise.all([tracerProvider?.shutdown(), meterProvider?.shutdown()]);
    },
  };
}
