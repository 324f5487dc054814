import {
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Meter,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import type { MsgHdrs } from '@llm-teams/broker';
import type { Envelope } from './envelope.js';
import { redact } from './redaction.js';
import { contentAttributes } from './telemetry-content.js';
import { instruments, measure, providerOf } from './telemetry-metrics.js';
import type {
  DeliveryMode,
  LlmTrace,
  TaskTrace,
  ToolTrace,
  TraceDetail,
  TraceEvent,
} from './trace-event.js';

/*
 * OpenTelemetry spans of a host's actors (docs/observability.md). The runtime depends on the
 * API only: an application that wants spans registers an SDK and hands the runtime a tracer
 * (`registerRuntimeTelemetry`); until then nothing here runs, not even a no-op call (the host
 * checks one field per message).
 *
 * - Messaging (conventions for messaging spans, `messaging.system = nats`): a PRODUCER span
 *   `send <type>` per envelope sent, a CONSUMER span `process <type>` per delivery, the
 *   latter the child of the former: W3C trace context travels in the NATS message's headers,
 *   so a message's spans join across actors, processes and machines.
 * - GenAI (conventions for GenAI agent and client spans), from the actors' own trace events:
 *   `invoke_agent <actor>` from a task's `start` to its `done`, `fail` or `release`; `chat
 *   <model>` per model attempt (`llm`); `execute_tool <name>` per tool call (`tool`).
 * - Metrics, from the same events (with a meter): messages sent, received, retried,
 *   redelivered, duplicated and rejected by type; suspicions; model calls, tokens and latency
 *   by model; tool calls; task state changes.
 */

export interface RuntimeTelemetryOptions {
  /** Default: the tracer of the globally registered provider. */
  tracer?: Tracer;
  /** Metrics (docs/observability.md). Default: none. */
  meter?: Meter;
  /** Prompts and completions on `chat` spans (the conventions' opt-in, off by default:
   *  content may hold personal data). Redacted either way. */
  captureContent?: boolean;
}

/** A carrier for the W3C trace context of one envelope (`traceparent`, `tracestate`). */
export type TraceCarrier = Record<string, string>;

/** What the host and its actor cells call (internal to the runtime package). */
export interface RuntimeTelemetry {
  /** A `send` span for `env`, a child of what `actor` is doing; its context to publish. */
  onSend(actor: string, env: Envelope, mode: DeliveryMode, subject: string): TraceCarrier;
  /** The trace context of an envelope about to be published, if it has one. */
  carrierOf(env: Envelope): TraceCarrier | undefined;
  /** Remembers the trace context that arrived with `env` in a NATS message's headers. */
  noteInbound(env: Envelope, headers: MsgHdrs | undefined): void;
  /** Starts the `process` span of a delivery; the caller ends it when the handler returns. */
  startProcess(actor: string, env: Envelope, mode: DeliveryMode): Span;
  /** Runs `fn` with `span` current for `actor` (its sends become the span's children). */
  within<T>(actor: string, span: Span, fn: () => T): T;
  /** Every trace event of the host's actors: GenAI spans from `task`, `llm`, `tool`; an `llm`
   *  event's `detail` may carry the call's content. */
  observe(event: TraceEvent, detail?: TraceDetail): void;
}

let registered: RuntimeTelemetry | undefined;

/** Hosts created from now on (without their own `telemetry` option) record spans with it. */
export function registerRuntimeTelemetry(telemetry: RuntimeTelemetry | undefined): void {
  registered = telemetry;
}

/** The registered telemetry, if any (the hosts' default). */
export function registeredRuntimeTelemetry(): RuntimeTelemetry | undefined {
  return registered;
}

const carrierSetter = {
  set(carrier: TraceCarrier, key: string, value: string) {
    carrier[key] = value;
  },
};
const headersGetter = {
  keys: (h: MsgHdrs) => h.keys(),
  get: (h: MsgHdrs, key: string) => (h.has(key) ? h.get(key) : undefined),
};

/** What a message's span says whichever way the message goes (messaging conventions). */
function messageAttributes(
  operation: 'send' | 'process',
  actor: string,
  env: Envelope,
  mode: DeliveryMode,
): Attributes {
  return {
    'messaging.system': 'nats',
    'messaging.operation.type': operation,
    'messaging.operation.name': operation,
    'messaging.message.id': env.id,
    ...(env.corrId !== undefined ? { 'messaging.message.conversation_id': env.corrId } : {}),
    'llm_teams.message.type': env.type,
    'llm_teams.actor': actor,
    'llm_teams.delivery': mode,
    'llm_teams.attempt': env.attempt,
  };
}

/** The model clients' stop reasons in the GenAI conventions' words. */
const FINISH_REASONS: Record<string, string> = {
  end: 'stop',
  tool_use: 'tool_call',
  max_tokens: 'length',
};

/** Open task spans are ended after this long without news (a lost `done`). */
const TASK_SPAN_LIMIT_MS = 30 * 60_000;

export function createRuntimeTelemetry(options: RuntimeTelemetryOptions = {}): RuntimeTelemetry {
  const tracer = options.tracer ?? trace.getTracer('@llm-teams/runtime');
  const metrics = options.meter ? instruments(options.meter) : undefined;
  const captureContent = options.captureContent === true;
  const outbound = new WeakMap<Envelope, TraceCarrier>();
  const inbound = new WeakMap<Envelope, Context>();
  /** Per actor: the context its sends and spans are children of. */
  const current = new Map<string, Context>();
  /** Per actor: its open `invoke_agent` span. */
  const tasks = new Map<string, { span: Span; ctx: Context; taskId: string; start: number }>();

  const parentOf = (actor: string) => current.get(actor) ?? ROOT_CONTEXT;

  function endTask(actor: string, phase: string, wall: number, reason?: unknown): void {
    const open = tasks.get(actor);
    if (!open) return;
    tasks.delete(actor);
    if (phase === 'fail') {
      open.span.setStatus({
        code: SpanStatusCode.ERROR,
        message: typeof reason === 'string' ? redact(reason) : 'failed',
      });
      open.span.setAttribute('error.type', 'task_failed');
    }
    open.span.setAttribute('llm_teams.task.phase', phase);
    open.span.end(wall);
    if (current.get(actor) === open.ctx) current.delete(actor);
  }

  function onTask(e: TaskTrace): void {
    if (e.phase === 'start') {
      const stale = tasks.get(e.actor);
      if (stale) endTask(e.actor, 'release', e.wall);
      const span = tracer.startSpan(
        `invoke_agent ${e.actor}`,
        {
          kind: SpanKind.INTERNAL,
          startTime: e.wall,
          attributes: {
            'gen_ai.operation.name': 'invoke_agent',
            'gen_ai.agent.name': e.actor,
            'gen_ai.agent.id': e.actor,
            'gen_ai.conversation.id': e.taskId,
            'llm_teams.task.id': e.taskId,
            'llm_teams.node': e.node,
          },
        },
        parentOf(e.actor),
      );
      const ctx = trace.setSpan(parentOf(e.actor), span);
      tasks.set(e.actor, { span, ctx, taskId: e.taskId, start: e.wall });
      current.set(e.actor, ctx);
      return;
    }
    if (e.phase === 'done' || e.phase === 'fail' || e.phase === 'release') {
      if (tasks.get(e.actor)?.taskId === e.taskId) endTask(e.actor, e.phase, e.wall, e.reason);
    }
  }

  /** A span of work that already happened: [end - duration, end], within its task span. */
  function pastSpan(
    actor: string,
    name: string,
    kind: SpanKind,
    end: number,
    ms: number,
    attributes: Attributes,
  ): Span {
    const open = tasks.get(actor);
    const start = Math.max(open?.start ?? -Infinity, end - Math.max(0, ms));
    return tracer.startSpan(name, { kind, startTime: start, attributes }, parentOf(actor));
  }

  function onLlm(e: LlmTrace, detail: TraceDetail | undefined): void {
    // A trace written elsewhere may leave the outcome out: a call that left no outcome ended.
    const outcome = e.outcome ?? 'ok';
    const provider = providerOf(e.model);
    const attributes: Attributes = {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': provider,
      'gen_ai.request.model': e.model,
      'gen_ai.response.model': e.model,
      'gen_ai.usage.input_tokens': e.inputTokens,
      'gen_ai.usage.output_tokens': e.outputTokens,
      'gen_ai.agent.name': e.actor,
      'llm_teams.attempt': e.attempt,
      'llm_teams.outcome': outcome,
    };
    if (typeof e.finishReason === 'string') {
      attributes['gen_ai.response.finish_reasons'] = [
        FINISH_REASONS[e.finishReason] ?? e.finishReason,
      ];
    }
    if (e.cachedTokens !== undefined)
      attributes['gen_ai.usage.cache_read.input_tokens'] = e.cachedTokens;
    if (typeof e.taskId === 'string') attributes['gen_ai.conversation.id'] = e.taskId;
    if (captureContent) Object.assign(attributes, contentAttributes(detail));
    const span = pastSpan(
      e.actor,
      `chat ${e.model}`,
      SpanKind.CLIENT,
      e.wall,
      e.latencyMs,
      attributes,
    );
    if (outcome !== 'ok') {
      span.setAttribute('error.type', outcome);
      span.setStatus({
        code: SpanStatusCode.ERROR,
        message: typeof e.error === 'string' ? redact(e.error) : outcome,
      });
    }
    span.end(e.wall);
  }

  function onTool(e: ToolTrace): void {
    const ms = typeof e.latencyMs === 'number' ? e.latencyMs : 0;
    const span = pastSpan(e.actor, `execute_tool ${e.name}`, SpanKind.INTERNAL, e.wall, ms, {
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': e.name,
      'gen_ai.tool.type': 'function',
      'gen_ai.agent.name': e.actor,
      'llm_teams.tool.outcome': e.outcome,
      ...(typeof e.taskId === 'string' ? { 'gen_ai.conversation.id': e.taskId } : {}),
    });
    if (e.outcome === 'error' || e.outcome === 'failed') {
      span.setAttribute('error.type', e.outcome);
      span.setStatus({ code: SpanStatusCode.ERROR });
    }
    span.end(e.wall);
  }

  return {
    onSend(actor, env, mode, subject) {
      const span = tracer.startSpan(
        `send ${env.type}`,
        {
          kind: SpanKind.PRODUCER,
          attributes: {
            ...messageAttributes('send', actor, env, mode),
            'messaging.destination.name': subject,
            'llm_teams.to': env.to,
          },
        },
        parentOf(actor),
      );
      const carrier: TraceCarrier = {};
      propagation.inject(trace.setSpan(ROOT_CONTEXT, span), carrier, carrierSetter);
      span.end();
      outbound.set(env, carrier);
      return carrier;
    },
    carrierOf: (env) => outbound.get(env),
    noteInbound(env, headers) {
      if (!headers?.has('traceparent')) return;
      inbound.set(env, propagation.extract(ROOT_CONTEXT, headers, headersGetter));
    },
    startProcess(actor, env, mode) {
      const parent = inbound.get(env) ?? parentOf(actor);
      return tracer.startSpan(
        `process ${env.type}`,
        {
          kind: SpanKind.CONSUMER,
          attributes: {
            ...messageAttributes('process', actor, env, mode),
            'llm_teams.from': env.from,
          },
        },
        parent,
      );
    },
    within(actor, span, fn) {
      const ctx = trace.setSpan(ROOT_CONTEXT, span);
      current.set(actor, ctx);
      try {
        return fn();
      } finally {
        // An open task span stays what the actor's later, asynchronous work belongs to;
        // without one, that work continues the message it processed last.
        const open = tasks.get(actor);
        if (open && current.get(actor) === ctx) current.set(actor, open.ctx);
      }
    },
    observe(event, detail) {
      if (metrics) measure(metrics, event);
      if (event.kind === 'task') onTask(event);
      else if (event.kind === 'llm') onLlm(event, detail);
      else if (event.kind === 'tool') onTool(event);
      // A task whose end was never recorded (a crashed actor) does not stay open forever.
      for (const [actor, open] of tasks) {
        if (event.wall - open.start > TASK_SPAN_LIMIT_MS) endTask(actor, 'release', event.wall);
      }
    },
  };
}
