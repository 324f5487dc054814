import { trace } from '@opentelemetry/api';
import { OTLPTraceExporter as OtlpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
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

export interface TelemetrySettings {
  /** Where spans go: `<endpoint>/v1/traces`, or the traces endpoint as given. */
  tracesUrl: string;
  protocol: OtlpProtocol;
  serviceName: string;
}

export interface TelemetrySession {
  readonly settings: TelemetrySettings;
  /** Exports what is pending and stops the SDK. */
  shutdown(): Promise<void>;
}

const PROTOCOLS: readonly OtlpProtocol[] = ['http/protobuf', 'http/json'];

/**
 * What the standard variables ask for; undefined when traces are off: no endpoint
 * (`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, else `OTEL_EXPORTER_OTLP_ENDPOINT`) or
 * `OTEL_TRACES_EXPORTER=none`. Names the variable of a value it cannot use.
 */
export function telemetrySettings(env: NodeJS.ProcessEnv): TelemetrySettings | undefined {
  const exporters = (env.OTEL_TRACES_EXPORTER ?? 'otlp').split(',').map((s) => s.trim());
  if (exporters.includes('none')) return undefined;
  const unknown = exporters.filter((e) => e !== 'otlp' && e !== '');
  if (unknown.length > 0) {
    throw new LabError(
      'INVALID_ARGUMENT',
      `OTEL_TRACES_EXPORTER=${unknown.join(',')} is not supported (otlp or none)`,
    );
  }
  const tracesEndpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
  const endpoint = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  if (!tracesEndpoint && !endpoint) return undefined;
  const tracesUrl = tracesEndpoint || `${endpoint!.replace(/\/+$/, '')}/v1/traces`;
  try {
    new URL(tracesUrl);
  } catch {
    throw new LabError(
      'INVALID_ARGUMENT',
      `${tracesEndpoint ? 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT' : 'OTEL_EXPORTER_OTLP_ENDPOINT'} is not a URL: ${tracesUrl}`,
    );
  }
  const protocolVar = env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL
    ? 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL'
    : 'OTEL_EXPORTER_OTLP_PROTOCOL';
  const protocol = (env[protocolVar]?.trim() || 'http/protobuf') as OtlpProtocol;
  if (!PROTOCOLS.includes(protocol)) {
    throw new LabError(
      'INVALID_ARGUMENT',
      `${protocolVar}=${protocol} is not supported (http/protobuf or http/json)`,
    );
  }
  const serviceName = env.OTEL_SERVICE_NAME?.trim() || 'llm-teams';
  return { tracesUrl, protocol, serviceName };
}

/**
 * Starts the SDK when the variables ask for it: a tracer provider (W3C trace context, batch
 * export over OTLP) registered globally, and the runtime's telemetry registered so every host
 * this process creates records spans. Undefined (and nothing started) when traces are off.
 */
export function startTelemetry(env: NodeJS.ProcessEnv): TelemetrySession | undefined {
  const settings = telemetrySettings(env);
  if (!settings) return undefined;
  const exporter: SpanExporter =
    settings.protocol === 'http/json'
      ? new OtlpJsonExporter({ url: settings.tracesUrl })
      : new OtlpProtoExporter({ url: settings.tracesUrl });
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: settings.serviceName,
      [ATTR_SERVICE_VERSION]: '0.1.0',
    }),
    spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: 500 })],
  });
  provider.register();
  registerRuntimeTelemetry(createRuntimeTelemetry({ tracer: trace.getTracer('@llm-teams/lab') }));
  return {
    settings,
    async shutdown() {
      registerRuntimeTelemetry(undefined);
      await provider.shutdown();
    },
  };
}
