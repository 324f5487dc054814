import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';

/*
 * A loopback OTLP/HTTP receiver for tests: accepts `POST /v1/traces` and `/v1/metrics` as JSON
 * or protobuf (decoded with the message classes generated from the official opentelemetry-proto
 * definitions) and keeps every span and data point, flattened.
 */

export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  /** OTLP span kind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  attributes: Record<string, unknown>;
  /** End minus start, ms. */
  durationMs: number;
  service: string;
  /** How it arrived. */
  encoding: 'json' | 'protobuf';
}

interface AnyValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
  arrayValue?: { values?: AnyValue[] };
}
interface KeyValue {
  key: string;
  value?: AnyValue;
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number | string;
  attributes?: KeyValue[];
  startTimeUnixNano?: string | number;
  endTimeUnixNano?: string | number;
}
interface ExportRequest {
  resourceSpans?: {
    resource?: { attributes?: KeyValue[] };
    scopeSpans?: { spans?: OtlpSpan[] }[];
  }[];
}

/** A metric data point, flattened: a sum's value or a histogram's count and sum. */
export interface ReceivedPoint {
  metric: string;
  attributes: Record<string, unknown>;
  value: number;
  sum?: number;
  service: string;
  encoding: 'json' | 'protobuf';
}

interface OtlpPoint {
  attributes?: KeyValue[];
  asInt?: string | number;
  asDouble?: number;
  count?: string | number;
  sum?: number;
}
interface MetricsRequest {
  resourceMetrics?: {
    resource?: { attributes?: KeyValue[] };
    scopeMetrics?: {
      metrics?: {
        name: string;
        sum?: { dataPoints?: OtlpPoint[] };
        gauge?: { dataPoints?: OtlpPoint[] };
        histogram?: { dataPoints?: OtlpPoint[] };
      }[];
    }[];
  }[];
}

interface ProtoMessage {
  decode(data: Uint8Array): unknown;
  toObject(message: unknown, options: Record<string, unknown>): unknown;
}
interface ProtoRoot {
  opentelemetry: {
    proto: {
      collector: {
        trace: { v1: { ExportTraceServiceRequest: ProtoMessage } };
        metrics: { v1: { ExportMetricsServiceRequest: ProtoMessage } };
      };
    };
  };
}

const require = createRequire(import.meta.url);
const collector = (
  require('@opentelemetry/otlp-transformer/build/src/generated/root.js') as ProtoRoot
).opentelemetry.proto.collector;
const protoOptions = { longs: String, enums: Number, bytes: String, defaults: false };

function value(v: AnyValue | undefined): unknown {
  if (!v) return undefined;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.arrayValue) return (v.arrayValue.values ?? []).map(value);
  return undefined;
}

const attrs = (kvs: KeyValue[] | undefined) =>
  Object.fromEntries((kvs ?? []).map((kv) => [kv.key, value(kv.value)]));

/** Ids are hex in OTLP/JSON; protobuf's bytes arrive here as base64. */
const hexId = (id: string | undefined, encoding: ReceivedSpan['encoding']) =>
  !id ? '' : encoding === 'json' ? id : Buffer.from(id, 'base64').toString('hex');

function flatten(req: ExportRequest, encoding: ReceivedSpan['encoding']): ReceivedSpan[] {
  const out: ReceivedSpan[] = [];
  for (const rs of req.resourceSpans ?? []) {
    const name = attrs(rs.resource?.attributes)['service.name'];
    const service = typeof name === 'string' ? name : '';
    for (const ss of rs.scopeSpans ?? []) {
      for (const s of ss.spans ?? []) {
        out.push({
          traceId: hexId(s.traceId, encoding),
          spanId: hexId(s.spanId, encoding),
          parentSpanId: hexId(s.parentSpanId, encoding),
          name: s.name,
          kind: Number(s.kind),
          attributes: attrs(s.attributes),
          durationMs: Number(
            (BigInt(s.endTimeUnixNano ?? 0) - BigInt(s.startTimeUnixNano ?? 0)) / 1_000_000n,
          ),
          service,
          encoding,
        });
      }
    }
  }
  return out;
}

function flattenMetrics(req: MetricsRequest, encoding: ReceivedPoint['encoding']): ReceivedPoint[] {
  const out: ReceivedPoint[] = [];
  for (const rm of req.resourceMetrics ?? []) {
    const name = attrs(rm.resource?.attributes)['service.name'];
    const service = typeof name === 'string' ? name : '';
    for (const sm of rm.scopeMetrics ?? []) {
      for (const m of sm.metrics ?? []) {
        for (const p of m.sum?.dataPoints ?? m.gauge?.dataPoints ?? []) {
          const value = Number(p.asInt ?? p.asDouble ?? 0);
          out.push({ metric: m.name, attributes: attrs(p.attributes), value, service, encoding });
        }
        for (const p of m.histogram?.dataPoints ?? []) {
          out.push({
            metric: m.name,
            attributes: attrs(p.attributes),
            value: Number(p.count ?? 0),
            sum: Number(p.sum ?? 0),
            service,
            encoding,
          });
        }
      }
    }
  }
  return out;
}

export interface OtlpReceiver {
  readonly url: string;
  readonly spans: ReceivedSpan[];
  /** Every data point of every export (cumulative: the last export holds the totals). */
  readonly points: ReceivedPoint[];
  close(): Promise<void>;
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const points: ReceivedPoint[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const type = req.headers['content-type'] ?? '';
      const json = type.includes('json');
      if (req.url === '/v1/traces') {
        if (json)
          spans.push(...flatten(JSON.parse(body.toString('utf8')) as ExportRequest, 'json'));
        else {
          const m = collector.trace.v1.ExportTraceServiceRequest;
          spans.push(
            ...flatten(m.toObject(m.decode(body), protoOptions) as ExportRequest, 'protobuf'),
          );
        }
      } else if (req.url === '/v1/metrics') {
        if (json) {
          points.push(
            ...flattenMetrics(JSON.parse(body.toString('utf8')) as MetricsRequest, 'json'),
          );
        } else {
          const m = collector.metrics.v1.ExportMetricsServiceRequest;
          points.push(
            ...flattenMetrics(
              m.toObject(m.decode(body), protoOptions) as MetricsRequest,
              'protobuf',
            ),
          );
        }
      } else {
        res.writeHead(404).end();
        return;
      }
      if (json) res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      else res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    points,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
