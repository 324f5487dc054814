/**
 * The trace contract as a schema: which fields each kind of event must have and of what type,
 * and which are optional (docs/architecture.md, Trace; docs/contracts.md lists the optional
 * additions). docs/trace.schema.json is this schema as JSON Schema, written by
 * `npm run trace-schema` and held equal to it by a test, so a trace another tool writes to
 * that file is one every reader here accepts. Fields beyond these are allowed and kept.
 */
import { z } from 'zod';
import { RuntimeError } from './errors.js';
import type { TraceEvent } from './trace-event.js';

const text = z.string().min(1);
const count = z.number().int().min(0);
const mode = z.enum(['at-most-once', 'at-least-once']);

/** Fields every event has, and the optional ones any event may carry. */
const base = {
  actor: text.describe('the actor, or `@<node>` for host-level events'),
  node: text.describe('the process / host that recorded it'),
  seq: count.describe('per-actor event index, strictly increasing'),
  lamport: count.describe("the actor's Lamport time, strictly increasing per actor"),
  wall: z.number().describe('wall clock, ms since epoch (display and latency only)'),
  kvRead: z.string().optional().describe('`bucket/key@revision` this event read'),
  kvReads: z.array(z.string()).optional().describe('`bucket/key@revision`s this event read'),
  kvWrite: z.string().optional().describe('`bucket/key@revision` this event wrote'),
  modelTime: z.number().optional().describe("the agent's model clock at this event, ms"),
};

const event = <K extends string, S extends z.ZodRawShape>(kind: K, shape: S, about: string) =>
  z.looseObject({ kind: z.literal(kind), ...base, ...shape }).describe(about);

export const traceEventSchema = z.discriminatedUnion('kind', [
  event(
    'send',
    {
      msgId: text,
      to: text.describe('actor id, or `#<topic>` for a broadcast'),
      type: text,
      attempt: z.number().int().min(1),
      chanSeq: count.optional().describe("the envelope's per-channel sequence number"),
      mode: mode.optional(),
      causeId: z.string().optional(),
      corrId: z.string().optional(),
    },
    'a message sent (each retry is a new send with the same msgId)',
  ),
  event(
    'recv',
    {
      msgId: text,
      from: text,
      type: text,
      msgLamport: count.describe("the envelope's Lamport time, below this event's"),
      attempt: z
        .number()
        .int()
        .min(1)
        .optional()
        .describe('the send it answers; without it, any send of the msgId may match'),
      chanSeq: count.optional(),
      mode: mode.optional(),
      dup: z.boolean().optional().describe('a copy already processed, not shown to the actor'),
      redelivered: z.boolean().optional(),
      unhandled: z.boolean().optional(),
      causeId: z.string().optional(),
      corrId: z.string().optional(),
    },
    'a message received',
  ),
  event(
    'state',
    { from: z.string(), to: text, event: z.string().optional() },
    'a state machine transition',
  ),
  event(
    'llm',
    {
      model: text,
      inputTokens: count,
      outputTokens: count,
      latencyMs: z.number().min(0),
      cachedTokens: count.optional(),
      attempt: z.number().int().min(1).optional(),
      outcome: z.string().optional(),
    },
    'a model call',
  ),
  event(
    'tool',
    {
      name: text,
      outcome: z.string(),
      args: z.string().optional().describe('a summary of the arguments'),
      path: z.string().optional(),
      baseRev: count.optional().describe('the revision the writer read'),
      rev: count.optional().describe('the revision written; absent if refused'),
    },
    'a tool call',
  ),
  event(
    'task',
    { taskId: text, phase: z.enum(['claim', 'start', 'done', 'release', 'fail']) },
    "the team's view of work",
  ),
  event('fault', { fault: text.describe('what was injected') }, 'a fault injected'),
  event(
    'reject',
    {
      reason: text,
      subject: z.string().optional(),
      bytes: count.optional(),
      msgId: z.string().optional(),
      from: z.string().optional(),
    },
    'a message refused (dead-lettered)',
  ),
  event(
    'late',
    {
      msgId: text,
      from: text,
      type: text,
      subject: z.string().optional(),
      mode: mode.optional(),
      status: z.enum(['done', 'stopped', 'failed', 'restarting']).optional(),
    },
    'a valid message for an actor no longer running',
  ),
  event('mark', { name: z.string().optional() }, 'a free-form mark'),
]);

/** The contract as JSON Schema (docs/trace.schema.json). */
export function traceJsonSchema(): Record<string, unknown> {
  const { $schema, ...schema } = z.toJSONSchema(traceEventSchema, { target: 'draft-2020-12' });
  return {
    $schema,
    title: 'One event of an llm-teams trace: one line of trace.jsonl',
    ...schema,
  };
}

/** A trace line that is not JSON or not an event of the contract. */
export class TraceFormatError extends RuntimeError {
  /** The file (or other source) the line came from, as the caller named it. */
  readonly source: string;
  /** 1-based line number. */
  readonly line: number;
  /** The offending field's path (`attempt`, `kvReads.2`), or undefined for the whole line. */
  readonly field: string | undefined;

  constructor(source: string, line: number, field: string | undefined, problem: string) {
    super(
      'INVALID_TRACE',
      `${source} line ${line}: ${field === undefined ? '' : `field ${field}: `}${problem}`,
    );
    this.name = 'TraceFormatError';
    this.source = source;
    this.line = line;
    this.field = field;
  }
}

const show = (v: unknown): string => {
  const json = JSON.stringify(v);
  return json === undefined ? 'nothing' : json.length > 40 ? `${json.slice(0, 40)}...` : json;
};

/** What is wrong with a value that is not an event, in words, and where. */
function describeIssue(
  issue: z.core.$ZodIssue,
  value: unknown,
): { field?: string; problem: string } {
  const path = issue.path.map(String);
  const field = path.length > 0 ? path.join('.') : undefined;
  const got = path.reduce<unknown>(
    (v, k) => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[k] : undefined),
    value,
  );
  if (issue.code === 'invalid_union' && field === 'kind') {
    const kinds = traceEventSchema.options.map((o) => o.shape.kind.value).join(', ');
    const what = got === undefined ? 'missing' : `${show(got)} is not a kind of event`;
    return { field, problem: `${what} (one of ${kinds})` };
  }
  if (got === undefined && issue.code === 'invalid_type') {
    return { ...(field === undefined ? {} : { field }), problem: 'missing' };
  }
  // Zod says what it expected; the value is shown as it was, so "received <type>" goes.
  const expected = issue.message
    .replace(/^Invalid (input|option): /, '')
    .replace(/, received \w+$/, '')
    .replace(/^Too (small|big): /, '');
  return { ...(field === undefined ? {} : { field }), problem: `${expected}, got ${show(got)}` };
}

/**
 * Reads one line of a trace: the event, or a `TraceFormatError` naming the source, the line
 * and the field. Fields beyond the contract are kept as they are.
 */
export function parseTraceLine(line: string, source: string, lineNumber: number): TraceEvent {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new TraceFormatError(source, lineNumber, undefined, `not JSON: ${line.slice(0, 80)}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TraceFormatError(source, lineNumber, undefined, `not an object: ${show(value)}`);
  }
  const result = traceEventSchema.safeParse(value);
  if (result.success) return value as TraceEvent;
  const { field, problem } = describeIssue(result.error.issues[0]!, value);
  throw new TraceFormatError(source, lineNumber, field, problem);
}
