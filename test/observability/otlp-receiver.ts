import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';

/*
 * A loopback OTLP/HTTP receiver for tests: accepts `POST /v1/traces` as JSON or protobuf
 * (decoded with the message classes generated from the official opentelemetry-proto
 * definitions) and keeps every span, flattened.
 */

export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  /** OTLP span kind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  attributes: Record<string, unknown>;
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
}
interface ExportRequest {
  resourceSpans?: {
    resource?: { attributes?: KeyValue[] };
    scopeSpans?: { spans?: OtlpSpan[] }[];
  }[];
}

interface ProtoRoot {
  opentelemetry: {
    proto: {
      collector: {
        trace: {
          v1: {
            ExportTraceServiceRequest: {
              decode(data: Uint8Array): unknown;
              toObject(message: unknown, options: Record<string, unknown>): unknown;
            };
          };
        };
      };
    };
  };
}

const require = createRequire(import.meta.url);
const proto = (require('@opentelemetry/otlp-transformer/build/src/generated/root.js') as ProtoRoot)
  .opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;

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
          service,
          encoding,
        });
      }
    }
  }
  return out;
}

export interface OtlpReceiver {
  readonly url: string;
  readonly spans: ReceivedSpan[];
  close(): Promise<void>;
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const type = req.headers['content-type'] ?? '';
      if (req.url !== '/v1/traces') {
        res.writeHead(404).end();
        return;
      }
      if (type.includes('json')) {
        spans.push(...flatten(JSON.parse(body.toString('utf8')) as ExportRequest, 'json'));
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        return;
      }
      const decoded = proto.toObject(proto.decode(body), {
        longs: String,
        enums: Number,
        bytes: String,
        defaults: false,
      });
      spans.push(...flatten(decoded as ExportRequest, 'protobuf'));
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
