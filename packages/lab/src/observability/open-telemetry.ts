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
import { telemetrySettings, type TelemetrySettings } from './telemetry-settings.js';

/*
 * The OpenTelemetry SDK of the command line (docs/observability.md). The runtime and the agents
 * depend on the API only; this is the one place that starts the SDK, as the standard variables
 * ask (telemetry-settings.ts). Nothing is set up, and the hosts pay nothing, unless an endpoint is.
 */

export interface TelemetrySession {
  readonly settings: TelemetrySettings;
  /** Exports what is pending and stops the SDK. */
  shutdown(): Promise<void>;
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
      captureContent: settings.captureContent,
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
