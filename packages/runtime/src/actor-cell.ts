/**
 * One hosted actor (ActorCell): sends and asks, receives at most and at least once, supervision
 * and checkpoints.
 * Long file: these share the actor's private state (channel sequence numbers, the dedup window,
 * pending asks, the held durable message, its status), which one class keeps private; it is the
 * runtime's hot path (npm run bench), so it was left whole in the host's split.
 */
import {
  createActor,
  type AnyActorLogic,
  type AnyActorRef,
  type EventObject,
  type Snapshot,
} from 'xstate';
import type { JsMsg } from '@llm-teams/broker';
import { every, type Repeating } from './clock.js';
import { DedupWindow } from './dedup-window.js';
import { createEnvelope, isTopicTarget, type Envelope, type MessageEvent } from './envelope.js';
import type { HostCore } from './host-core.js';
import type { ActorCheckpoint } from './snapshot-store.js';
import {
  compileSupervisionPolicy,
  decideRestart,
  type CompiledSupervisionPolicy,
} from './supervisor.js';
import { TraceLane } from './trace-lane.js';
import type { DeliveryMode } from './trace-event.js';
import { RecvRecord, SendRecord } from './trace-records.js';
import {
  compileAskOptions,
  type AskOptions,
  type AskResult,
  type AskFailedEvent,
  type CompiledAskOptions,
  type SendFailedEvent,
} from './ask.js';
import { nextRetryDelay } from './retry-policy.js';
import { bindSystem } from './actor-runtime.js';
import type { SpawnOptions } from './spawn-options.js';
import type { Heartbeater } from './heartbeat.js';

/** An actor's Lamport time, next trace seq and last channel seq per destination. */
export type ActorClocks = Pick<ActorCheckpoint, 'lamport' | 'traceSeq' | 'chanSeq'>;

type ActorStatus = 'running' | 'restarting' | 'stopped' | 'failed' | 'done';

interface PendingAsk {
  env: Envelope;
  mode: DeliveryMode;
  attempts: number;
  deadline: number;
  startedAt: number;
  timer: unknown;
  options: CompiledAskOptions;
  onDone: ((result: AskResult) => void) | undefined;
}

interface HeldMessage {
  env: Envelope;
  msg: JsMsg;
  working: Repeating;
}

function stateToString(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const parts: string[] = [];
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const inner = stateToString(v);
      parts.push(inner ? `${k}.${inner}` : k);
    }
    return parts.length === 1 ? parts[0]! : `(${parts.join('|')})`;
  }
  return '';
}

function isBusy(snapshot: Snapshot<unknown>): boolean {
  const s = snapshot as { hasTag?: (t: string) => boolean };
  return typeof s.hasTag === 'function' && s.hasTag('busy');
}

/**
 * One hosted actor: its xstate actor, Lamport clock and trace lane, per-channel sequence
 * numbers, the ids it has processed, its pending asks and its held durable message.
 * Everything optional is allocated on first use, so an idle actor stays small.
 */
export class ActorCell {
  readonly id: string;
  readonly subject: string;
  readonly lane: TraceLane;
  readonly #host: HostCore;
  readonly #logic: AnyActorLogic;
  readonly #options: SpawnOptions;
  readonly #supervision: CompiledSupervisionPolicy;
  #actor!: AnyActorRef;
  #status: ActorStatus = 'running';
  #chanSeq: Map<string, number> | undefined;
  #dedup: DedupWindow<Envelope> | undefined;
  #asks: Map<string, PendingAsk> | undefined;
  #current: Envelope | undefined;
  #held: HeldMessage | undefined;
  #lastState: string | undefined;
  #lastEvent: EventObject | undefined;
  #crashes: number[] | undefined;
  #restartTimer: unknown;
  durableStop: (() => Promise<void>) | undefined;
  heartbeat: Heartbeater | undefined;

  /** `lane`: the trace lane of an earlier incarnation on this host, shared (default: a new
   *  one). */
  constructor(
    host: HostCore,
    id: string,
    logic: AnyActorLogic,
    options: SpawnOptions,
    lane?: TraceLane,
  ) {
    this.id = id;
    this.subject = host.subjects.inbox(id);
    this.#host = host;
    this.#logic = logic;
    this.#options = options;
    this.#supervision =
      options.supervision === false
        ? compileSupervisionPolicy({ maxRestarts: 0 })
        : options.supervision
          ? compileSupervisionPolicy(options.supervision)
          : host.supervision;
    this.lane = lane ?? new TraceLane(id, host.node, host.trace, host.clock);
  }

  get status(): ActorStatus {
    return this.#status;
  }

  /** The current xstate actor (a new one after each restart). */
  get ref(): AnyActorRef {
    return this.#actor;
  }

  get lamport(): number {
    return this.lane.lamport.time;
  }

  now(): number {
    return this.#host.clock.now();
  }

  /** Asks still waiting for a reply. */
  get pendingAsks(): number {
    return this.#asks?.size ?? 0;
  }

  /** The envelope whose handling is running right now (its id becomes `causeId`). */
  get current(): Envelope | undefined {
    return this.#current;
  }

  /** Where this actor's clocks stand: kept by the host when it stops the actor, so an
   *  incarnation spawned again under the same id continues them (`carryOver`). */
  clocks(): ActorClocks {
    return {
      lamport: this.lane.lamport.time,
      traceSeq: this.lane.seq,
      chanSeq: Object.fromEntries(this.#chanSeq ?? []),
    };
  }

  /** Continues clocks of an earlier incarnation: each only ever moves forward. */
  carryOver(clocks: ActorClocks): void {
    this.lane.resume(clocks.traceSeq ?? 0, clocks.lamport ?? 0);
    const chan = clocks.chanSeq;
    if (!chan) return;
    const seqs = (this.#chanSeq ??= new Map<string, number>());
    for (const [to, seq] of Object.entries(chan)) {
      if (seq > (seqs.get(to) ?? 0)) seqs.set(to, seq);
    }
  }

  start(checkpoint?: ActorCheckpoint): void {
    const host = this.#host;
    if (checkpoint) {
      this.carryOver(checkpoint);
      this.#dedupWindow();
      for (const id of checkpoint.processed) this.#dedup!.add(id);
    }
    this.#lastEvent = undefined;
    const actor = createActor(host.trace ? this.#traced(this.#logic) : this.#logic, {
      id: this.id,
      input: this.#options.input,
      clock: host.clock,
      ...(checkpoint ? { snapshot: checkpoint.snapshot as Snapshot<unknown> } : {}),
    });
    this.#actor = actor;
    bindSystem(actor.system, this);
    actor.subscribe({
      next: (snapshot: Snapshot<unknown>) => {
        if (host.trace) this.#onSnapshotTrace(snapshot);
        if (this.#held && !isBusy(snapshot)) this.#completeHeld();
        if (snapshot.status === 'done' && this.#status === 'running') {
          this.#status = 'done';
          this.lane.emit({ kind: 'mark', name: 'actor.done' });
        }
      },
      error: (err: unknown) => this.#crash(err),
    });
    this.#status = 'running';
    actor.start();
  }

  // ---- sending -------------------------------------------------------------------------

  #nextSeq(to: string): number {
    const seqs = (this.#chanSeq ??= new Map<string, number>());
    const seq = (seqs.get(to) ?? 0) + 1;
    seqs.set(to, seq);
    return seq;
  }

  /** Sends one message; returns its envelope. `to` is an actor id or `#<topic>`. */
  send(
    to: string,
    type: string,
    body: unknown,
    options: { corrId?: string; causeId?: string; mode?: DeliveryMode } = {},
  ): Envelope {
    const host = this.#host;
    host.checkOutgoing(this.id, to, type);
    const env = createEnvelope({
      id: host.ids(),
      team: host.team,
      from: this.id,
      to,
      type,
      lamport: this.lane.lamport.tick(),
      seq: this.#nextSeq(to),
      attempt: 1,
      causeId: options.causeId ?? this.#current?.id,
      corrId: options.corrId,
      sentAt: host.clock.now(),
      body,
    });
    const mode = isTopicTarget(to) ? 'at-most-once' : (options.mode ?? host.policy(type));
    this.#traceSend(env, mode);
    if (host.telemetry) this.#telemetrySend(env, mode);
    host.transmit(env, mode, this);
    return env;
  }

  /** Sends an envelope again: same id and seq, next attempt, a new Lamport send event. */
  resend(previous: Envelope, mode: DeliveryMode): Envelope {
    const env = this.retransmission(previous, mode);
    this.#host.transmit(env, mode, this);
    return env;
  }

  /**
   * The next transmission of `previous` (same id and seq, next attempt), traced as a send but
   * not transmitted: for a transport that retries by itself (a durable publish that got no
   * PubAck), so a receiver tells the retry from a first transmission.
   */
  retransmission(previous: Envelope, mode: DeliveryMode): Envelope {
    const env = createEnvelope({
      ...previous,
      attempt: previous.attempt + 1,
      lamport: this.lane.lamport.tick(),
      sentAt: this.#host.clock.now(),
    });
    this.#traceSend(env, mode);
    if (this.#host.telemetry) this.#telemetrySend(env, mode);
    return env;
  }

  #telemetrySend(env: Envelope, mode: DeliveryMode): void {
    const { subjects, telemetry } = this.#host;
    const subject = isTopicTarget(env.to)
      ? subjects.topic(env.to.slice(1))
      : subjects.inbox(env.to);
    telemetry?.onSend(this.id, env, mode, subject);
  }

  #traceSend(env: Envelope, mode: DeliveryMode): void {
    const lane = this.lane;
    if (!lane.tracing) return;
    const event = new SendRecord(
      env.id,
      env.to,
      env.type,
      env.attempt,
      env.seq,
      mode,
      lane.id,
      lane.node,
      lane.nextSeq(),
      env.lamport,
      env.sentAt,
    );
    if (env.causeId !== undefined) event.causeId = env.causeId;
    if (env.corrId !== undefined) event.corrId = env.corrId;
    lane.write(event);
  }

  /** Replies to `request`: a message to its sender with `corrId` = its id, cached so a
   *  retried request gets the same reply. */
  reply(request: Envelope, type: string, body: unknown): Envelope {
    const env = this.send(request.from, type, body, {
      corrId: request.id,
      causeId: request.id,
    });
    this.#dedup?.setReply(request.id, env);
    return env;
  }

  ask(
    to: string,
    type: string,
    body: unknown,
    options?: AskOptions,
    onDone?: (result: AskResult) => void,
  ): string {
    const host = this.#host;
    const opts =
      options === undefined ? host.askDefaults : compileAskOptions(options, host.askDefaults);
    if ((this.#asks?.size ?? 0) >= host.maxPendingAsks) {
      // Bounded: an actor that keeps asking faster than it is answered is told at once.
      const askId = host.ids();
      this.#endAsk(
        {
          type: 'ask.failed',
          askId,
          to,
          requestType: type,
          attempts: 0,
          reason: 'overloaded',
          elapsedMs: 0,
        },
        onDone,
      );
      return askId;
    }
    const mode = opts.mode ?? host.policy(type);
    const env = this.send(to, type, body, { mode });
    const now = host.clock.now();
    const pending: PendingAsk = {
      env,
      mode,
      attempts: 1,
      startedAt: now,
      deadline: now + opts.timeoutMs,
      timer: undefined,
      options: opts,
      onDone,
    };
    (this.#asks ??= new Map()).set(env.id, pending);
    this.#armAsk(pending);
    return env.id;
  }

  #armAsk(p: PendingAsk): void {
    const clock = this.#host.clock;
    const wait = Math.max(0, Math.min(p.options.attemptTimeoutMs, p.deadline - clock.now()));
    p.timer = clock.setTimeout(() => this.#askAttemptTimedOut(p), wait);
  }

  #askAttemptTimedOut(p: PendingAsk): void {
    if (this.#asks?.get(p.env.id) !== p) return;
    const host = this.#host;
    const now = host.clock.now();
    const delay =
      now >= p.deadline
        ? undefined
        : nextRetryDelay(p.options.retry, p.attempts, now - p.startedAt, host.random);
    if (delay === undefined || now + delay >= p.deadline) {
      this.#failAsk(p, 'timeout');
      return;
    }
    p.timer = host.clock.setTimeout(() => {
      if (this.#asks?.get(p.env.id) !== p || this.#status !== 'running') return;
      p.attempts++;
      p.env = this.resend(p.env, p.mode);
      this.#armAsk(p);
    }, delay);
  }

  #failAsk(p: PendingAsk, reason: AskFailedEvent['reason']): void {
    this.#asks?.delete(p.env.id);
    this.#endAsk(
      {
        type: 'ask.failed',
        askId: p.env.id,
        to: p.env.to,
        requestType: p.env.type,
        attempts: p.attempts,
        reason,
        elapsedMs: this.#host.clock.now() - p.startedAt,
      },
      p.onDone,
    );
  }

  #endAsk(event: AskFailedEvent, onDone: ((result: AskResult) => void) | undefined): void {
    const reason = event.reason;
    this.lane.emit({
      kind: 'mark',
      name: 'ask.failed',
      askId: event.askId,
      to: event.to,
      requestType: event.requestType,
      attempts: event.attempts,
      reason,
    });
    if (onDone) onDone({ ok: false, failure: event });
    else this.deliverLocal(event);
  }

  /** A durable publish that kept failing: the sender's machine gets `send.failed`. */
  failSend(env: Envelope, error: unknown): void {
    const event: SendFailedEvent = {
      type: 'send.failed',
      msgId: env.id,
      to: env.to,
      messageType: env.type,
      body: env.body,
      error: error instanceof Error ? error.message : String(error),
    };
    this.lane.emit({
      kind: 'mark',
      name: 'send.failed',
      msgId: env.id,
      to: env.to,
      error: event.error,
    });
    this.deliverLocal(event);
  }

  /** Delivers an event that did not come over NATS (runtime notices, local stimuli). */
  deliverLocal(event: EventObject): void {
    if (this.#status !== 'running') return;
    this.#actor.send(event);
  }

  // ---- receiving -----------------------------------------------------------------------

  /** A valid message that arrived while the actor is not running: counted and traced as late. */
  late(env: Envelope, subject: string, mode: DeliveryMode): void {
    this.#host.stats.late++;
    this.lane.emit({
      kind: 'late',
      msgId: env.id,
      from: env.from,
      type: env.type,
      subject,
      mode,
      status: this.#status === 'running' ? 'stopped' : this.#status,
    });
  }

  #dedupWindow(): DedupWindow<Envelope> {
    return (this.#dedup ??= new DedupWindow(Math.max(1, this.#host.dedupWindow)));
  }

  /**
   * Processes one envelope: Lamport merge, deduplication (a duplicate request gets its
   * cached reply again), ask completion, then the machine. Returns false for a duplicate.
   */
  receive(env: Envelope, mode: DeliveryMode, redelivered = false): boolean {
    const lamport = this.lane.lamport.merge(env.lamport);
    const dedup = this.#dedupWindow();
    if (!dedup.addIfNew(env.id) && this.#host.dedupWindow > 0) {
      this.#host.stats.duplicates++;
      this.#traceRecv(env, lamport, mode, redelivered, true, false);
      const cached = dedup.reply(env.id);
      if (cached) this.resend(cached, mode);
      return false;
    }
    if (env.corrId !== undefined && this.#asks) {
      const p = this.#asks.get(env.corrId);
      if (p) {
        this.#asks.delete(env.corrId);
        this.#host.clock.clearTimeout(p.timer);
        if (p.onDone) {
          this.#traceRecv(env, lamport, mode, redelivered, false, false);
          p.onDone({ ok: true, envelope: env, attempts: p.attempts });
          return true;
        }
      }
    }
    const event: MessageEvent = { type: env.type, body: env.body, envelope: env };
    if (this.lane.tracing) {
      const snap = this.#actor.getSnapshot() as { can?: (e: EventObject) => boolean };
      const unhandled = typeof snap.can === 'function' && !snap.can(event);
      this.#traceRecv(env, lamport, mode, redelivered, false, unhandled);
    }
    this.#current = env;
    const telemetry = this.#host.telemetry;
    try {
      if (telemetry) {
        const span = telemetry.startProcess(this.id, env, mode);
        try {
          telemetry.within(this.id, span, () => this.#actor.send(event));
        } finally {
          span.end();
        }
      } else this.#actor.send(event);
    } finally {
      this.#current = undefined;
    }
    return true;
  }

  #traceRecv(
    env: Envelope,
    lamport: number,
    mode: DeliveryMode,
    redelivered: boolean,
    dup: boolean,
    unhandled: boolean,
  ): void {
    const lane = this.lane;
    if (!lane.tracing) return;
    const event = new RecvRecord(
      env.id,
      env.from,
      env.type,
      env.lamport,
      env.attempt,
      env.seq,
      mode,
      lane.id,
      lane.node,
      lane.nextSeq(),
      lamport,
      lane.now(),
    );
    if (dup) event.dup = true;
    if (redelivered) event.redelivered = true;
    if (unhandled) event.unhandled = true;
    if (env.corrId !== undefined) event.corrId = env.corrId;
    lane.write(event);
  }

  /**
   * An at-least-once delivery. Acknowledged once the work is done: right away, or, when the
   * machine is then in a state tagged `busy`, when it leaves it (with in-progress acks
   * meanwhile, so JetStream's ack wait does not expire under a long LLM call). Not
   * acknowledged if the machine crashes: JetStream redelivers it to the restarted actor.
   */
  receiveDurable(env: Envelope, msg: JsMsg): void {
    if (this.#status !== 'running') {
      if (this.#status === 'done') {
        // Finished for good: no incarnation will ever handle it, so it must not block the queue.
        this.late(env, msg.subject, 'at-least-once');
        msg.term();
      } else {
        // Restarting, or stopped / failed here while another incarnation may take over.
        msg.nak(500);
      }
      return;
    }
    if (this.#held?.env.id === env.id) return; // redelivered while still in progress
    this.#host.telemetry?.noteInbound(env, msg.headers);
    const fresh = this.receive(env, 'at-least-once', msg.redelivered);
    if (!fresh) {
      msg.ack();
      return;
    }
    if (this.#status !== 'running') return; // crashed while handling; #crash nak'd it
    if (isBusy(this.#actor.getSnapshot() as Snapshot<unknown>)) {
      const working = every(this.#host.transportClock, this.#host.workingIntervalMs, () => {
        this.#host.stats.inProgressAcks++;
        msg.working();
      });
      this.#held = { env, msg, working };
    } else {
      this.#ack(env, msg);
    }
  }

  #completeHeld(): void {
    const held = this.#held;
    if (!held) return;
    this.#held = undefined;
    held.working.cancel();
    this.#ack(held.env, held.msg);
  }

  #ack(env: Envelope, msg: JsMsg): void {
    const host = this.#host;
    const finish = () => {
      const verdict = host.interceptor?.beforeAck?.(env, this.id) ?? true;
      if (verdict !== true) {
        const by = verdict === false ? {} : { faultId: verdict.faultId };
        this.lane.emit({ kind: 'fault', fault: 'ack.lost', msgId: env.id, ...by });
        return;
      }
      msg.ack();
    };
    if (!host.snapshots) {
      finish();
      return;
    }
    host.track(
      this.checkpoint().then(finish, (err: unknown) => {
        // The work is done but not durable: let JetStream redeliver; dedup is in memory.
        this.lane.emit({ kind: 'mark', name: 'checkpoint.failed', error: String(err) });
        msg.nak(1000);
      }),
    );
  }

  /** Saves the actor's persisted snapshot and processed ids to the snapshot store. */
  async checkpoint(): Promise<void> {
    const store = this.#host.snapshots;
    if (!store || this.#status !== 'running') return;
    await store.save(this.id, {
      snapshot: this.#actor.getPersistedSnapshot(),
      processed: this.#dedup?.ids() ?? [],
      savedAt: this.#host.clock.now(),
      // Room for the events this incarnation may still record before it is lost.
      lamport: this.lane.lamport.time,
      traceSeq: this.lane.seq,
      chanSeq: Object.fromEntries(this.#chanSeq ?? []),
    });
  }

  /**
   * A state machine whose `transition` remembers the event it was given, so the snapshot
   * observer can trace which event moved the machine. (xstate's `inspect` would tell too, but
   * it copies an inspection event for every event, action and microstep of every actor: most
   * of what tracing cost per message.) Other logic has no state value and stays as it is.
   */
  #traced(logic: AnyActorLogic): AnyActorLogic {
    if (!('root' in logic)) return logic;
    const traced = Object.create(logic) as AnyActorLogic;
    const transition = logic.transition as (
      this: AnyActorLogic,
      ...args: Parameters<AnyActorLogic['transition']>
    ) => Snapshot<unknown>;
    traced.transition = (snapshot, event, scope) => {
      this.#lastEvent = event as EventObject;
      return transition.call(traced, snapshot, event, scope);
    };
    return traced;
  }

  #onSnapshotTrace(snapshot: Snapshot<unknown>): void {
    const value = (snapshot as { value?: unknown }).value;
    if (value === undefined) return;
    const to = stateToString(value);
    if (to === this.#lastState) return;
    const from = this.#lastState ?? '';
    this.#lastState = to;
    this.lane.emit({ kind: 'state', from, to, event: this.#lastEvent?.type ?? 'xstate.init' });
  }

  // ---- failure and lifecycle -----------------------------------------------------------

  /** Crashes the actor from outside (fault injection), as if its machine threw. */
  crash(err: unknown): void {
    this.#crash(err);
  }

  #crash(err: unknown): void {
    if (this.#status !== 'running') return;
    const host = this.#host;
    this.#status = 'restarting';
    host.stats.crashes++;
    const message = err instanceof Error ? err.message : String(err);
    this.lane.emit({ kind: 'mark', name: 'actor.crashed', error: message });
    this.heartbeat?.pause(true);
    this.#abandonInFlight();
    const decision = decideRestart(
      (this.#crashes ??= []),
      host.clock.now(),
      this.#supervision,
      host.random,
    );
    if (!decision.restart) {
      this.#status = 'failed';
      this.lane.emit({ kind: 'mark', name: 'actor.failed', error: message });
      host.onActorFailed(this, err);
      return;
    }
    this.#restartTimer = host.clock.setTimeout(() => {
      host.track(this.#restart());
    }, decision.delayMs);
  }

  /** Drops what belonged to the crashed incarnation: its held message goes back to JetStream
   *  and its pending asks end (their replies would reach a machine that never asked). */
  #abandonInFlight(): void {
    const held = this.#held;
    if (held) {
      this.#held = undefined;
      held.working.cancel();
      this.#dedup?.delete(held.env.id);
      held.msg.nak(100);
    }
    const current = this.#current;
    if (current) this.#dedup?.delete(current.id);
    for (const p of this.#asks?.values() ?? []) this.#host.clock.clearTimeout(p.timer);
    this.#asks?.clear();
  }

  async #restart(): Promise<void> {
    if (this.#status !== 'restarting') return;
    const checkpoint = await this.#host.snapshots?.load(this.id);
    if (this.#status !== 'restarting') return;
    this.#lastState = undefined;
    this.start(checkpoint);
    this.heartbeat?.pause(false);
    this.lane.emit({
      kind: 'mark',
      name: 'actor.restarted',
      restarts: this.#crashes?.length ?? 0,
      fromCheckpoint: checkpoint !== undefined,
    });
  }

  /** Stops the actor for good (its durable consumer too). */
  async stop(): Promise<void> {
    if (this.#status === 'stopped') return;
    this.#status = 'stopped';
    this.#host.clock.clearTimeout(this.#restartTimer);
    const held = this.#held;
    if (held) {
      this.#held = undefined;
      held.working.cancel();
      held.msg.nak();
    }
    for (const p of this.#asks?.values() ?? []) this.#host.clock.clearTimeout(p.timer);
    this.#asks?.clear();
    this.heartbeat?.close();
    this.#actor.stop();
    await this.durableStop?.();
  }
}
