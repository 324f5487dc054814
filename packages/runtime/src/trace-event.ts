/**
 * The trace contract (docs/architecture.md, Trace; as JSON Schema: docs/trace.schema.json):
 * JSON Lines, one event per line; the file is the source of truth for every analysis. Each
 * actor's `seq` and `lamport` strictly increase. Fields marked optional may be absent in a trace
 * another tool wrote (readers must cope); the runtime's own events carry them.
 */
export interface TraceBase {
  /** The actor the event belongs to (`@<node>` for host-level events with no actor). */
  actor: string;
  /** The process / host that recorded it. */
  node: string;
  /** Per-actor event index, from 0, strictly increasing. */
  seq: number;
  /** The actor's Lamport time at this event, strictly increasing per actor. */
  lamport: number;
  /** Wall clock, ms since epoch (display and latency only). */
  wall: number;
}

export type DeliveryMode = 'at-most-once' | 'at-least-once';

export interface SendTrace extends TraceBase {
  kind: 'send';
  msgId: string;
  /** Actor id, or `#<topic>` for a broadcast. */
  to: string;
  type: string;
  attempt: number;
  /** The envelope's per-channel sequence number. */
  chanSeq?: number;
  mode?: DeliveryMode;
  causeId?: string;
  corrId?: string;
}

export interface RecvTrace extends TraceBase {
  kind: 'recv';
  msgId: string;
  from: string;
  type: string;
  /** The envelope's Lamport time; always `< lamport`. */
  msgLamport: number;
  attempt?: number;
  chanSeq?: number;
  mode?: DeliveryMode;
  /** A copy already processed: the actor did not see it again. */
  dup?: true;
  /** JetStream redelivered it (its ack did not arrive in time, or the handler failed). */
  redelivered?: true;
  /** The machine had no transition for it in its state (recorded when known). */
  unhandled?: true;
  corrId?: string;
}

export interface StateTrace extends TraceBase {
  kind: 'state';
  from: string;
  to: string;
  /** The event type that caused the transition. */
  event?: string;
}

export interface LlmTrace extends TraceBase {
  kind: 'llm';
  model: string;
  inputTokens: number;
  outputTokens: number;
  cachedTokens?: number;
  latencyMs: number;
  attempt?: number;
  outcome?: string;
  [extra: string]: unknown;
}

export interface ToolTrace extends TraceBase {
  kind: 'tool';
  name: string;
  outcome: string;
  /** Wall-clock ms from the call's start to its result (a test run's queueing included):
   *  the `execute_tool` span's duration. Absent on board and workspace steps the agents
   *  record beside their tool calls. */
  latencyMs?: number;
  args?: string;
  path?: string;
  baseRev?: number;
  rev?: number;
  [extra: string]: unknown;
}

export type TaskPhase = 'claim' | 'start' | 'done' | 'release' | 'fail';

export interface TaskTrace extends TraceBase {
  kind: 'task';
  taskId: string;
  phase: TaskPhase;
  [extra: string]: unknown;
}

export interface FaultTrace extends TraceBase {
  kind: 'fault';
  fault: string;
  [extra: string]: unknown;
}

export interface RejectTrace extends TraceBase {
  kind: 'reject';
  reason: string;
  subject?: string;
  bytes?: number;
  msgId?: string;
  from?: string;
}

/**
 * A valid message that reached an actor which is not running: finished (`done`), stopped,
 * failed for good, or between a crash and its restart. Nothing is wrong with the message (a
 * `run.done` broadcast reaching a member that already finished is the common case), so it is
 * neither a `reject` nor dead-lettered.
 */
export interface LateTrace extends TraceBase {
  kind: 'late';
  msgId: string;
  from: string;
  type: string;
  subject?: string;
  mode?: DeliveryMode;
  /** The actor's status when the message arrived. */
  status?: 'done' | 'stopped' | 'failed' | 'restarting';
}

export interface MarkTrace extends TraceBase {
  kind: 'mark';
  name?: string;
  [extra: string]: unknown;
}

export type TraceEvent =
  | SendTrace
  | RecvTrace
  | StateTrace
  | LlmTrace
  | ToolTrace
  | TaskTrace
  | FaultTrace
  | RejectTrace
  | LateTrace
  | MarkTrace;

export type TraceKind = TraceEvent['kind'];

/** Where trace events go. The host stamps `actor, node, seq, lamport, wall`. */
export interface TraceSink {
  /** `detail` is for the host's telemetry only: a sink that writes events ignores it. */
  write(event: TraceEvent, detail?: TraceDetail): void;
}

/**
 * What only the host's OpenTelemetry sees of an event, never written to the trace, the trace
 * stream or anywhere else (docs/observability.md, Content).
 */
export interface TraceDetail {
  /** An `llm` event's prompt and completion in the GenAI conventions' message shape. Called
   *  only when content capture is on, so building it costs nothing otherwise. */
  genAiContent?: () => GenAiContent;
}

/** A model call's content as the OpenTelemetry GenAI conventions shape it. */
export interface GenAiContent {
  systemInstructions?: GenAiPart[];
  input: GenAiMessage[];
  /** Absent for an attempt that failed. */
  output?: GenAiMessage[];
}

export interface GenAiMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  parts: GenAiPart[];
  /** On output messages. */
  finish_reason?: string;
}

export type GenAiPart =
  | { type: 'text'; content: string }
  | { type: 'tool_call'; id: string; name: string; arguments?: unknown }
  | { type: 'tool_call_response'; id: string; response: unknown };

/** The per-kind payload a caller supplies; the host adds the common fields. */
export type TracePayload<K extends TraceKind = TraceKind> = K extends TraceKind
  ? Omit<Extract<TraceEvent, { kind: K }>, keyof TraceBase>
  : never;
