import { LabError } from '../lab-error.js';

/*
 * What the standard OpenTelemetry variables ask of the command line (docs/observability.md):
 * read without loading the SDK, so a command that exports nothing does not pay for it.
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
  /** Prompts and completions on `chat` spans (`OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT`). */
  captureContent: boolean;
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

const CAPTURE_VAR = 'OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT';
/** The values instrumentations accept: the boolean of the JS ones, the modes of the newer
 *  GenAI utilities (content on spans, on events, or both). Spans are all this exports. */
const CAPTURE_VALUES: Record<string, boolean> = {
  true: true,
  false: false,
  span_only: true,
  span_and_event: true,
  event_only: false,
  no_content: false,
  '': false,
};

function captureContentOf(env: NodeJS.ProcessEnv): boolean {
  const value = (env[CAPTURE_VAR] ?? '').trim().toLowerCase();
  const on = CAPTURE_VALUES[value];
  if (on === undefined) {
    throw new LabError(
      'INVALID_ARGUMENT',
      `${CAPTURE_VAR}=${env[CAPTURE_VAR]} is not supported (true, false, SPAN_ONLY, SPAN_AND_EVENT, EVENT_ONLY or NO_CONTENT)`,
    );
  }
  return on;
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
    captureContent: captureContentOf(env),
  };
}
