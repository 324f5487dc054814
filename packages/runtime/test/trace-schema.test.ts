import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  createTraceIndex,
  parseTrace,
  parseTraceLine,
  runRuntimeCheckers,
  traceJsonSchema,
  TraceFormatError,
} from '@llm-teams/runtime';

const schemaFile = new URL('../../../docs/trace.schema.json', import.meta.url);
const foreignTrace = new URL('../../../test/fixtures/foreign-trace/trace.jsonl', import.meta.url);

interface JsonSchemaOption {
  properties: Record<string, { type?: string; const?: string; enum?: string[]; minimum?: number }>;
  required: string[];
}

/** A value of the type a property of the schema file asks for. */
function sample(p: JsonSchemaOption['properties'][string]): unknown {
  if (p.const !== undefined) return p.const;
  if (p.enum !== undefined) return p.enum[0];
  if (p.type === 'integer' || p.type === 'number') return Math.max(p.minimum ?? 0, 1);
  if (p.type === 'boolean') return true;
  if (p.type === 'array') return [];
  return 'x';
}

/** The error `parseTraceLine` throws for `event`, or undefined when it accepts it. */
function refusal(event: Record<string, unknown>): TraceFormatError | undefined {
  try {
    parseTraceLine(JSON.stringify(event), 'trace.jsonl', 7);
    return undefined;
  } catch (err) {
    if (err instanceof TraceFormatError) return err;
    throw err;
  }
}

describe('the trace contract', () => {
  const file = JSON.parse(readFileSync(schemaFile, 'utf8')) as { oneOf: JsonSchemaOption[] };

  it('docs/trace.schema.json is the schema the readers use (npm run trace-schema rewrites it)', () => {
    expect(file).toEqual(traceJsonSchema());
  });

  it('the validator accepts each kind with the fields the file requires, and names each one left out', () => {
    expect(file.oneOf.map((o) => o.properties['kind']!.const)).toEqual([
      'send',
      'recv',
      'state',
      'llm',
      'tool',
      'task',
      'fault',
      'reject',
      'late',
      'mark',
    ]);
    for (const option of file.oneOf) {
      const minimal = Object.fromEntries(
        option.required.map((k) => [k, sample(option.properties[k]!)]),
      );
      expect(refusal(minimal), JSON.stringify(minimal)).toBeUndefined();
      for (const field of option.required) {
        const { [field]: _left, ...without } = minimal;
        expect(refusal(without)?.field, `${String(minimal['kind'])} without ${field}`).toBe(field);
      }
    }
  });

  it('names the source, the line and the field of a line that breaks it', () => {
    const text = [
      '{"kind":"mark","actor":"a","node":"n","seq":0,"lamport":1,"wall":5}',
      '',
      '{"kind":"recv","actor":"b","node":"n","seq":0,"lamport":2,"wall":6,"msgId":"m","from":"a","type":"t","msgLamport":"one"}',
    ].join('\n');
    expect(() => parseTrace(text, { source: 'runs/x/trace.jsonl' })).toThrow(
      'runs/x/trace.jsonl line 3: field msgLamport: expected number, got "one"',
    );
    expect(() => parseTrace('{"kind":"tick","actor":"a"}')).toThrow(
      /^trace line 1: field kind: "tick" is not a kind of event \(one of send, recv/,
    );
    expect(() => parseTrace('\n\nnot json')).toThrow('trace line 3: not JSON: not json');
  });

  it('keeps the fields beyond the contract', () => {
    const [e] = parseTrace(readFileSync(foreignTrace, 'utf8')).slice(5);
    expect(e).toMatchObject({ kind: 'send', tool: 'another-tracer' });
  });

  it("matches a receive without attempt to its msgId's send, and finds nothing wrong in another tool's trace", () => {
    const events = parseTrace(readFileSync(foreignTrace, 'utf8'));
    const index = createTraceIndex(events);
    // The receive names the second attempt by its Lamport time.
    expect(index.sendOf[2]).toBe(1);
    expect(index.sendOf[6]).toBe(5);
    expect(runRuntimeCheckers(events).findings).toEqual([]);
  });
});
