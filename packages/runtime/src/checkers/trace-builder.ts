import type {
  DeliveryMode,
  LateTrace,
  RecvTrace,
  SendTrace,
  TaskPhase,
  TraceEvent,
  TracePayload,
} from '../trace-event.js';

/** A transmission the builder recorded: what a receive needs to name it. */
export interface BuiltMessage {
  msgId: string;
  from: string;
  to: string;
  type: string;
  attempt: number;
  chanSeq: number;
  lamport: number;
  mode: DeliveryMode;
  corrId?: string;
}

export interface SendSpec {
  mode?: DeliveryMode;
  /** Default: a fresh `m<n>`. */
  msgId?: string;
  corrId?: string;
  causeId?: string;
}

export interface RecvSpec {
  /** Default: whether the actor already processed this msgId (what its dedup would say). */
  dup?: boolean;
  redelivered?: boolean;
}

export interface TraceBuilderOptions {
  /** Default `n1`. */
  node?: string;
  /** Wall clock of the first event. Default 1_700_000_000_000. */
  wall0?: number;
  /** Wall clock advance per event, ms. Default 1. */
  wallStep?: number;
}

/**
 * Builds traces by hand that obey the trace contract (per-actor seq and Lamport, receive
 * merges, per-channel seq), for tests, documentation and tools. Anomalies are planted by
 * calling the primitives out of order, or by editing `events` afterwards.
 */
export interface TraceBuilder {
  readonly events: TraceEvent[];
  send(from: string, to: string, type: string, spec?: SendSpec): BuiltMessage;
  /** The next attempt of a message: same msgId and channel seq, attempt + 1. */
  retry(previous: BuiltMessage): BuiltMessage;
  recv(actor: string, message: BuiltMessage, spec?: RecvSpec): RecvTrace;
  state(actor: string, from: string, to: string, event?: string): TraceEvent;
  task(
    actor: string,
    taskId: string,
    phase: TaskPhase,
    extra?: Record<string, unknown>,
  ): TraceEvent;
  tool(actor: string, name: string, extra?: Record<string, unknown>): TraceEvent;
  fault(actor: string, fault: string, extra?: Record<string, unknown>): TraceEvent;
  reject(actor: string, reason: string, message?: BuiltMessage): TraceEvent;
  /** `message` reached `actor` after it stopped running (default status `done`). */
  late(actor: string, message: BuiltMessage, status?: LateTrace['status']): TraceEvent;
  mark(actor: string, name: string, extra?: Record<string, unknown>): TraceEvent;
  /** Any payload, stamped like the others. */
  emit(actor: string, payload: TracePayload | Record<string, unknown>): TraceEvent;
  /** Moves the wall clock forward. */
  advance(ms: number): void;
}

export function createTraceBuilder(options: TraceBuilderOptions = {}): TraceBuilder {
  const node = options.node ?? 'n1';
  const step = options.wallStep ?? 1;
  let wall = options.wall0 ?? 1_700_000_000_000;
  const events: TraceEvent[] = [];
  const clocks = new Map<string, { seq: number; lamport: number }>();
  const channels = new Map<string, number>();
  const processed = new Map<string, Set<string>>();
  let ids = 0;

  const lane = (actor: string) => {
    let c = clocks.get(actor);
    if (!c) clocks.set(actor, (c = { seq: 0, lamport: 0 }));
    return c;
  };
  const stamp = (actor: string, payload: object, lamport?: number): TraceEvent => {
    const c = lane(actor);
    c.lamport = lamport ?? c.lamport + 1;
    const event = { ...payload, actor, node, seq: c.seq++, lamport: c.lamport, wall } as TraceEvent;
    wall += step;
    events.push(event);
    return event;
  };
  const transmit = (m: BuiltMessage, causeId?: string): BuiltMessage => {
    const lamport = lane(m.from).lamport + 1;
    const send: Omit<SendTrace, 'actor' | 'node' | 'seq' | 'lamport' | 'wall'> = {
      kind: 'send',
      msgId: m.msgId,
      to: m.to,
      type: m.type,
      attempt: m.attempt,
      chanSeq: m.chanSeq,
      mode: m.mode,
      ...(causeId !== undefined ? { causeId } : {}),
      ...(m.corrId !== undefined ? { corrId: m.corrId } : {}),
    };
    stamp(m.from, send, lamport);
    return { ...m, lamport };
  };

  return {
    events,
    send(from, to, type, spec = {}) {
      const key = `${from}\u0000${to}`;
      const chanSeq = (channels.get(key) ?? 0) + 1;
      channels.set(key, chanSeq);
      const message: BuiltMessage = {
        msgId: spec.msgId ?? `m${++ids}`,
        from,
        to,
        type,
        attempt: 1,
        chanSeq,
        lamport: 0,
        mode: spec.mode ?? 'at-most-once',
        ...(spec.corrId !== undefined ? { corrId: spec.corrId } : {}),
      };
      return transmit(message, spec.causeId);
    },
    retry(previous) {
      return transmit({ ...previous, attempt: previous.attempt + 1 });
    },
    recv(actor, m, spec = {}) {
      const seen = processed.get(actor) ?? new Set<string>();
      processed.set(actor, seen);
      const dup = spec.dup ?? seen.has(m.msgId);
      if (!dup) seen.add(m.msgId);
      const lamport = Math.max(lane(actor).lamport, m.lamport) + 1;
      return stamp(
        actor,
        {
          kind: 'recv',
          msgId: m.msgId,
          from: m.from,
          type: m.type,
          msgLamport: m.lamport,
          attempt: m.attempt,
          chanSeq: m.chanSeq,
          mode: m.mode,
          ...(dup ? { dup: true } : {}),
          ...(spec.redelivered ? { redelivered: true } : {}),
          ...(m.corrId !== undefined ? { corrId: m.corrId } : {}),
        },
        lamport,
      ) as RecvTrace;
    },
    state: (actor, from, to, event = 'x') => stamp(actor, { kind: 'state', from, to, event }),
    task: (actor, taskId, phase, extra = {}) =>
      stamp(actor, { kind: 'task', taskId, phase, ...extra }),
    tool: (actor, name, extra = {}) =>
      stamp(actor, { kind: 'tool', name, outcome: 'ok', ...extra }),
    fault: (actor, fault, extra = {}) => stamp(actor, { kind: 'fault', fault, ...extra }),
    reject: (actor, reason, m) =>
      stamp(actor, {
        kind: 'reject',
        reason,
        subject: `llmt.t.actor.${actor}`,
        bytes: 64,
        ...(m ? { msgId: m.msgId, from: m.from } : {}),
      }),
    late: (actor, m, status = 'done') =>
      stamp(actor, {
        kind: 'late',
        msgId: m.msgId,
        from: m.from,
        type: m.type,
        subject: `llmt.t.actor.${actor}`,
        mode: m.mode,
        status,
      }),
    mark: (actor, name, extra = {}) => stamp(actor, { kind: 'mark', name, ...extra }),
    emit: (actor, payload) => stamp(actor, payload),
    advance(ms) {
      wall += ms;
    },
  };
}
