import type { ActorRefFrom, AnyActorLogic, EventFromLogic, SnapshotFrom } from 'xstate';
import {
  assertToken,
  createTeamSubjects,
  headers as natsHeaders,
  jetstream,
  teamResourceNames,
  type JetStreamClient,
  type Msg,
  type NatsConnection,
  type Subscription,
  type TeamSubjects,
} from '@llm-teams/broker';
import { ActorCell } from './actor-cell.js';
import { runtimeOf, type ActorRuntime } from './actor-runtime.js';
import { compileAskOptions, type AskOptions, type CompiledAskOptions } from './ask.js';
import { systemClock, type Clock } from './clock.js';
import { decodeFrame, encodeBatch, encodeEnvelope } from './codec.js';
import {
  createDeliveryPolicy,
  policyUsesDurable,
  type DeliveryPolicy,
  type DeliveryPolicyOptions,
} from './delivery-policy.js';
import { openDurableInbox } from './durable-inbox.js';
import {
  createEnvelopeSigner,
  type EnvelopeSigner,
  type EnvelopeSigningOptions,
} from './envelope-signing.js';
import {
  createHeartbeater,
  parseHeartbeat,
  type Heartbeat,
  type HeartbeatSource,
} from './heartbeat.js';
import { messageTypeProblem, type Envelope } from './envelope.js';
import { RuntimeError } from './errors.js';
import type { DeliveryGate } from './schedule/schedule-types.js';
import type { HostCore, HostStats } from './host-core.js';
import { createIdGenerator, type IdGenerator } from './ids.js';
import type { InterceptDecision, MessageInterceptor } from './message-interceptor.js';
import { createRandom, randomSeed, type Random } from './random.js';
import type { SnapshotStore } from './snapshot-store.js';
import type { SpawnOptions } from './spawn-options.js';
import {
  compileRetryPolicy,
  nextRetryDelay,
  type CompiledRetryPolicy,
  type RetryPolicy,
} from './retry-policy.js';
import {
  compileSupervisionPolicy,
  type CompiledSupervisionPolicy,
  type SupervisionPolicy,
} from './supervisor.js';
import { TraceLane } from './trace-lane.js';
import type { DeliveryMode, TraceEvent, TraceSink } from './trace-event.js';
import { registeredRuntimeTelemetry, type RuntimeTelemetry } from './telemetry.js';

export interface ActorHostOptions {
  nc: NatsConnection;
  team: string;
  /** Subject prefix. Default `llmt`. */
  prefix?: string;
  /** This host's name in the trace. Default `node-<pid>`. */
  node?: string;
  /** Default: the system clock. */
  clock?: Clock;
  /** Seed for every random choice of the host (ids, jitter). Default: random, see `seed`. */
  seed?: number | string;
  /** Default: `createRandom(seed)`. */
  random?: Random;
  /** Default: `createIdGenerator({ random })`. */
  ids?: IdGenerator;
  /** Where trace events go. Default: none (no tracing cost). */
  trace?: TraceSink;
  /** OpenTelemetry spans (docs/observability.md). Default: the telemetry registered with
   *  `registerRuntimeTelemetry`, else none (no cost). */
  telemetry?: RuntimeTelemetry;
  /** Delivery mode per message type. Default: everything at-most-once. */
  delivery?: DeliveryPolicyOptions;
  /** Defaults for every ask of this host's actors. */
  ask?: AskOptions;
  /** Processed ids remembered per actor for deduplication. Default 1024. */
  dedupWindow?: number;
  /** Coalesce the at-most-once sends of one tick to one subject into one NATS message.
   *  Default true. FIFO per channel is kept; a lone message goes out unbatched. */
  batch?: boolean;
  /** Envelopes per batch at most. Default 256. */
  maxBatch?: number;
  durable?: {
    /** JetStream ack wait. Default 30000. */
    ackWaitMs?: number;
    /** In-progress ack interval while a handler is busy. Default ackWaitMs / 3. */
    workingIntervalMs?: number;
    /** Deliveries before JetStream gives up on a message. Default -1 (never). */
    maxDeliver?: number;
    /** Retries of one at-least-once publish before its sender gets `send.failed`: a
     *  JetStream leader election after a broker node dies takes seconds, during which
     *  publishes fail fast. The budget counts planned waits, not elapsed time, so the number
     *  of attempts (and the trace) does not depend on the machine's speed. Defaults:
     *  `maxAttempts` Infinity, `initialDelayMs` 100 doubling to `maxDelayMs` 2000,
     *  `jitter` 0.2, `budgetMs` 30000. */
    publishRetry?: RetryPolicy;
    /** Retries of creating an actor's durable consumer while JetStream is unavailable (a
     *  cluster electing leaders). Defaults: `maxAttempts` Infinity, 100 ms doubling to
     *  2000 ms, `jitter` 0.2, `budgetMs` 30000 on the host's clock. */
    setupRetry?: RetryPolicy;
  };
  /** Checkpoints for crash recovery. Default: none (a restart begins from the initial state). */
  snapshots?: SnapshotStore;
  /** Restart policy for crashed actors. Default: 3 restarts per minute. */
  supervision?: SupervisionPolicy;
  /** Fault injection / schedule control. */
  interceptor?: MessageInterceptor;
  /** Schedule control: holds each arriving at-most-once envelope until the gate releases it
   *  (docs/schedules.md). Default: none (delivered on arrival). */
  deliveryGate?: DeliveryGate;
  /** Called when an actor has crashed more often than its policy allows. */
  onActorFailed?: (actorId: string, error: unknown) => void;
  /** Sign what this host's actors send and verify what they receive (docs/security.md).
   *  Default: off. */
  signing?: EnvelopeSigningOptions;
  /** `wildcard`: one subscription on every inbox of the team. `per-actor`: one per hosted
   *  actor, for credentials that may only read their own inboxes. Default `wildcard`. */
  inboxSubscription?: 'wildcard' | 'per-actor';
}

/** A hosted actor, from outside. */
export interface ActorHandle<TLogic extends AnyActorLogic = AnyActorLogic> {
  readonly id: string;
  /** The live xstate actor (replaced on restart). */
  readonly ref: ActorRefFrom<TLogic>;
  readonly status: 'running' | 'restarting' | 'stopped' | 'failed' | 'done';
  readonly lamport: number;
  /** Asks still waiting for a reply (each ends by a reply or its deadline). */
  readonly pendingAsks: number;
  /** Send and record on the actor's behalf (drivers, tests, benchmarks). */
  readonly runtime: ActorRuntime;
  /** Delivers a local event (not a message: nothing crosses NATS). */
  send(event: EventFromLogic<TLogic>): void;
  getSnapshot(): SnapshotFrom<TLogic>;
  /** Saves a checkpoint to the host's snapshot store now. */
  checkpoint(): Promise<void>;
  /** Silences (true) or resumes the actor's heartbeats: a paused process, as a detector sees it. */
  pauseHeartbeat(paused: boolean): void;
  /** Crashes the actor as if its machine threw: in-memory state is lost; supervision
   *  decides whether it restarts (from its checkpoint when the host has a store). */
  crash(reason?: string): void;
  stop(): Promise<void>;
}

export interface ActorHost extends HeartbeatSource {
  readonly node: string;
  readonly team: string;
  readonly subjects: TeamSubjects;
  readonly stats: Readonly<HostStats>;
  readonly seed: string;
  spawn<TLogic extends AnyActorLogic>(
    id: string,
    logic: TLogic,
    options?: SpawnOptions,
  ): Promise<ActorHandle<TLogic>>;
  actor(id: string): ActorHandle | undefined;
  actorIds(): string[];
  /** Adds an actor to a topic's receivers. */
  join(actorId: string, topic: string): Promise<void>;
  leave(actorId: string, topic: string): void;
  /**
   * Counts, traces (`reject`, in the host's lane) and dead-letters a message that a component
   * of this process could not use (a bad control request, say): the one way bad input is
   * reported, with the original bytes and subject.
   */
  deadLetter(subject: string, data: Uint8Array, reason: string): void;
  /** Publishes what is batched and round-trips to the server. */
  flush(): Promise<void>;
  /** Stops every actor, publishes what is pending, and unsubscribes; the connection stays open. */
  close(): Promise<void>;
}

/** An interceptor decision as traced: its details, without the action or a release handle. */
function faultDetail(decision: Exclude<InterceptDecision, { action: 'deliver' }>) {
  const { action: _a, release: _r, ...detail } = decision;
  return detail;
}

/**
 * Runs xstate actors bound to NATS. One wildcard subscription on the team's inboxes serves
 * all the host's actors (envelopes for actors of other hosts are counted as `foreign` and
 * skipped before decoding); one more serves broadcast topics once an actor joins one.
 */
export async function createActorHost(options: ActorHostOptions): Promise<ActorHost> {
  const host = new Host(options);
  await host.open();
  return host;
}

class Host implements ActorHost, HostCore {
  readonly nc: NatsConnection;
  readonly team: string;
  readonly node: string;
  readonly subjects: TeamSubjects;
  readonly clock: Clock;
  readonly random: Random;
  readonly seed: string;
  readonly ids: IdGenerator;
  readonly trace: TraceSink | undefined;
  readonly telemetry: RuntimeTelemetry | undefined;
  readonly policy: DeliveryPolicy;
  readonly interceptor: MessageInterceptor | undefined;
  readonly askDefaults: CompiledAskOptions;
  readonly dedupWindow: number;
  readonly workingIntervalMs: number;
  readonly snapshots: SnapshotStore | undefined;
  readonly supervision: CompiledSupervisionPolicy;
  readonly #publishRetry: CompiledRetryPolicy;
  readonly #setupRetry: CompiledRetryPolicy;
  readonly stats: HostStats = {
    sent: 0,
    received: 0,
    foreign: 0,
    duplicates: 0,
    rejected: 0,
    deadLettered: 0,
    late: 0,
    batches: 0,
    crashes: 0,
    dropped: 0,
    inProgressAcks: 0,
  };
  readonly #options: ActorHostOptions;
  readonly #lane: TraceLane;
  readonly #cells = new Map<string, ActorCell>();
  readonly #bySubject = new Map<string, ActorCell>();
  readonly #handles = new Map<string, ActorHandle>();
  readonly #inboxSubjects = new Map<string, string>();
  readonly #topics = new Map<string, Set<ActorCell>>();
  readonly #tracked = new Set<Promise<unknown>>();
  readonly #outbox = new Map<string, Envelope[]>();
  readonly #batch: boolean;
  readonly #maxBatch: number;
  readonly #durableByDefault: boolean;
  readonly #inboxStream: string;
  readonly #signer: EnvelopeSigner | undefined;
  readonly #actorSubs = new Map<string, Subscription>();
  #flushScheduled = false;
  #inboxSub: Subscription | undefined;
  #topicSub: Subscription | undefined;
  #js: JetStreamClient | undefined;
  #closed = false;

  constructor(options: ActorHostOptions) {
    this.#options = options;
    this.nc = options.nc;
    this.subjects = createTeamSubjects({ team: options.team, prefix: options.prefix });
    this.team = this.subjects.team;
    this.node = options.node ?? `node-${process.pid}`;
    this.clock = options.clock ?? systemClock;
    this.seed = options.random?.seed ?? String(options.seed ?? randomSeed());
    this.random = options.random ?? createRandom(this.seed);
    this.ids = options.ids ?? createIdGenerator({ random: this.random.fork('ids') });
    this.telemetry = options.telemetry ?? registeredRuntimeTelemetry();
    this.trace = this.telemetry ? observed(options.trace, this.telemetry) : options.trace;
    this.policy = createDeliveryPolicy(options.delivery);
    this.#durableByDefault = policyUsesDurable(options.delivery ?? {});
    this.interceptor = options.interceptor;
    this.askDefaults = compileAskOptions(options.ask);
    this.dedupWindow = options.dedupWindow ?? 1024;
    const ackWaitMs = options.durable?.ackWaitMs ?? 30_000;
    this.workingIntervalMs = options.durable?.workingIntervalMs ?? Math.max(10, ackWaitMs / 3);
    this.snapshots = options.snapshots;
    this.supervision = compileSupervisionPolicy(options.supervision);
    const durableRetry = { maxAttempts: Infinity, budgetMs: 30_000 };
    this.#publishRetry = compileRetryPolicy(
      options.durable?.publishRetry,
      durableRetry,
      'durable.publishRetry',
    );
    this.#setupRetry = compileRetryPolicy(
      options.durable?.setupRetry,
      durableRetry,
      'durable.setupRetry',
    );
    this.#batch = options.batch ?? true;
    this.#maxBatch = options.maxBatch ?? 256;
    this.#inboxStream = teamResourceNames({ team: this.team, prefix: options.prefix }).inboxStream;
    this.#lane = new TraceLane(`@${this.node}`, this.node, this.trace, this.clock);
    this.#signer = options.signing ? createEnvelopeSigner(options.signing) : undefined;
  }

  /** Closed or draining: nothing more may be published (it would throw). */
  #ncDown(): boolean {
    return this.nc.isClosed() || this.nc.isDraining();
  }

  async open(): Promise<void> {
    if (this.#options.inboxSubscription !== 'per-actor') {
      this.#inboxSub = this.nc.subscribe(this.subjects.inboxWildcard, {
        callback: (err, msg) => this.#onInbox(err, msg),
      });
    }
    await this.nc.flush();
  }

  // ---- actors --------------------------------------------------------------------------

  async spawn<TLogic extends AnyActorLogic>(
    id: string,
    logic: TLogic,
    options: SpawnOptions = {},
  ): Promise<ActorHandle<TLogic>> {
    if (this.#closed) throw new RuntimeError('HOST_CLOSED', `host ${this.node} is closed`);
    assertToken('actor id', id);
    if (this.#cells.has(id)) {
      throw new RuntimeError('DUPLICATE_ACTOR', `actor ${id} already runs on host ${this.node}`);
    }
    this.#signer?.assertCanSign(id);
    const cell = new ActorCell(this, id, logic, options);
    this.#cells.set(id, cell);
    this.#bySubject.set(cell.subject, cell);
    try {
      const restore = options.restore ?? this.snapshots !== undefined;
      const checkpoint = restore ? await this.snapshots?.load(id) : undefined;
      cell.start(checkpoint);
      if (checkpoint) {
        cell.lane.emit({ kind: 'mark', name: 'actor.restored', savedAt: checkpoint.savedAt });
      }
      if (options.durable ?? this.#durableByDefault) {
        const signer = this.#signer;
        cell.durableStop = await openDurableInbox(cell, this.subjects.durableInbox(id), {
          nc: this.nc,
          team: this.team,
          stream: this.#inboxStream,
          ackWaitMs: this.#options.durable?.ackWaitMs ?? 30_000,
          maxDeliver: this.#options.durable?.maxDeliver ?? -1,
          setupRetry: this.#setupRetry,
          clock: this.clock,
          // Its own stream: a retried setup does not shift the draws of the run's other choices.
          random: this.random.fork('durable-setup'),
          onReject: (c, subject, data, reason, env) =>
            this.#reject(c.lane, subject, data, reason, env),
          ...(signer ? { verify: (d, h, e) => signer.verifyEnvelope(d, h, e) } : {}),
        });
      }
      if (this.#options.inboxSubscription === 'per-actor') {
        this.#actorSubs.set(
          id,
          this.nc.subscribe(cell.subject, { callback: (err, msg) => this.#onInbox(err, msg) }),
        );
        await this.nc.flush();
      }
      for (const topic of options.topics ?? []) await this.join(id, topic);
      if (options.heartbeat) {
        cell.heartbeat = createHeartbeater({
          nc: this.nc,
          subjects: this.subjects,
          actor: id,
          node: this.node,
          clock: this.clock,
          incarnation: this.ids(),
          intervalMs:
            typeof options.heartbeat === 'object' ? options.heartbeat.intervalMs : undefined,
        });
      }
    } catch (err) {
      this.#cells.delete(id);
      this.#bySubject.delete(cell.subject);
      this.#actorSubs.get(id)?.unsubscribe();
      this.#actorSubs.delete(id);
      await cell.stop().catch(() => undefined);
      throw err;
    }
    const handle: ActorHandle<TLogic> = {
      id,
      get ref() {
        return cell.ref as ActorRefFrom<TLogic>;
      },
      get status() {
        return cell.status;
      },
      get lamport() {
        return cell.lamport;
      },
      get pendingAsks() {
        return cell.pendingAsks;
      },
      runtime: runtimeOf(cell.ref.system),
      send: (event) => cell.deliverLocal(event),
      getSnapshot: () => cell.ref.getSnapshot() as SnapshotFrom<TLogic>,
      checkpoint: () => cell.checkpoint(),
      pauseHeartbeat: (paused) => cell.heartbeat?.pause(paused),
      crash: (reason) => cell.crash(new Error(reason ?? 'crash injected')),
      stop: () => this.#stopActor(id),
    };
    this.#handles.set(id, handle);
    return handle;
  }

  actor(id: string): ActorHandle | undefined {
    return this.#handles.get(id);
  }

  actorIds(): string[] {
    return [...this.#cells.keys()];
  }

  async #stopActor(id: string): Promise<void> {
    const cell = this.#cells.get(id);
    if (!cell) return;
    this.#cells.delete(id);
    this.#bySubject.delete(cell.subject);
    this.#handles.delete(id);
    this.#actorSubs.get(id)?.unsubscribe();
    this.#actorSubs.delete(id);
    for (const members of this.#topics.values()) members.delete(cell);
    await cell.stop();
  }

  async join(actorId: string, topic: string): Promise<void> {
    assertToken('topic', topic);
    const cell = this.#cells.get(actorId);
    if (!cell) throw new RuntimeError('UNKNOWN_ACTOR', `no actor ${actorId} on host ${this.node}`);
    let members = this.#topics.get(topic);
    if (!members) this.#topics.set(topic, (members = new Set()));
    members.add(cell);
    if (!this.#topicSub) {
      this.#topicSub = this.nc.subscribe(this.subjects.topicWildcard, {
        callback: (err, msg) => this.#onTopic(err, msg),
      });
      await this.nc.flush();
    }
  }

  leave(actorId: string, topic: string): void {
    const cell = this.#cells.get(actorId);
    if (cell) this.#topics.get(topic)?.delete(cell);
  }

  onActorFailed(cell: ActorCell, error: unknown): void {
    this.#options.onActorFailed?.(cell.id, error);
  }

  track(promise: Promise<unknown>): void {
    const p = promise.then(
      () => undefined,
      (err: unknown) => {
        this.#lane.emit({ kind: 'mark', name: 'host.error', error: String(err) });
      },
    );
    this.#tracked.add(p);
    void p.finally(() => this.#tracked.delete(p));
  }

  // ---- receiving -----------------------------------------------------------------------

  #onInbox(err: Error | null, msg: Msg): void {
    if (err) {
      this.#lane.emit({ kind: 'mark', name: 'subscription.error', error: err.message });
      return;
    }
    const cell = this.#bySubject.get(msg.subject);
    if (!cell) {
      this.stats.foreign++;
      return;
    }
    if (this.#signer) {
      this.#signer.decodeFrame(
        msg.data,
        msg.headers,
        (env) => this.#route(cell, env, msg.subject),
        (reason, env) => this.#rejectSigned(cell.lane, msg, reason, env),
      );
      return;
    }
    const telemetry = this.telemetry;
    decodeFrame(
      msg.data,
      telemetry
        ? (env) => {
            telemetry.noteInbound(env, msg.headers);
            this.#route(cell, env, msg.subject);
          }
        : (env) => this.#route(cell, env, msg.subject),
      (reason) => this.#reject(cell.lane, msg.subject, msg.data, reason),
    );
  }

  #route(cell: ActorCell, env: Envelope, subject: string): void {
    if (env.to !== cell.id || env.team !== this.team) {
      this.#reject(
        cell.lane,
        subject,
        encodeEnvelope(env),
        `envelope for ${env.team}/${env.to} arrived on the inbox of ${this.team}/${cell.id}`,
        env,
      );
      return;
    }
    this.#deliver(cell, env, subject);
  }

  #deliver(cell: ActorCell, env: Envelope, subject: string): void {
    const gate = this.#options.deliveryGate;
    if (gate?.hold(env, cell.id, 'at-most-once', (d) => this.#released(cell, env, subject, d))) {
      return;
    }
    this.#deliverNow(cell, env, subject);
  }

  #released(
    cell: ActorCell,
    env: Envelope,
    subject: string,
    decision: InterceptDecision | undefined,
  ): void {
    if (this.#closed) return;
    if (decision && decision.action !== 'deliver') this.#applyInbound(decision, cell, env, subject);
    else this.#deliverNow(cell, env, subject);
  }

  #deliverNow(cell: ActorCell, env: Envelope, subject: string): void {
    if (this.interceptor?.inbound) {
      const decision = this.interceptor.inbound(env, cell.id, 'at-most-once');
      if (decision && decision.action !== 'deliver') {
        this.#applyInbound(decision, cell, env, subject);
        return;
      }
    }
    if (cell.status !== 'running') {
      cell.late(env, subject, 'at-most-once');
      return;
    }
    this.stats.received++;
    cell.receive(env, 'at-most-once');
  }

  #applyInbound(
    decision: Exclude<InterceptDecision, { action: 'deliver' }>,
    cell: ActorCell,
    env: Envelope,
    subject: string,
  ) {
    cell.lane.emit({
      kind: 'fault',
      ...faultDetail(decision),
      fault: decision.fault,
      msgId: env.id,
      side: 'recv',
    });
    if (decision.action === 'drop') {
      this.stats.dropped++;
    } else if (decision.action === 'delay') {
      this.#later(decision, () => this.#redeliver(cell, env, subject));
    } else if (decision.action === 'duplicate') {
      for (let i = 0; i <= decision.copies; i++) this.#redeliver(cell, env, subject);
    }
  }

  #redeliver(cell: ActorCell, env: Envelope, subject: string): void {
    if (this.#closed) return;
    if (cell.status !== 'running') {
      cell.late(env, subject, 'at-most-once');
      return;
    }
    this.stats.received++;
    cell.receive(env, 'at-most-once');
  }

  #onTopic(err: Error | null, msg: Msg): void {
    if (err) {
      this.#lane.emit({ kind: 'mark', name: 'subscription.error', error: err.message });
      return;
    }
    const topic = msg.subject.slice(msg.subject.lastIndexOf('.') + 1);
    const members = this.#topics.get(topic);
    if (!members || members.size === 0) return;
    const onEnvelope = (env: Envelope) => {
      this.telemetry?.noteInbound(env, msg.headers);
      if (env.to !== `#${topic}` || env.team !== this.team) {
        this.#reject(
          this.#lane,
          msg.subject,
          encodeEnvelope(env),
          `envelope for ${env.to} on topic ${topic}`,
          env,
        );
        return;
      }
      for (const cell of members) if (cell.id !== env.from) this.#deliver(cell, env, msg.subject);
    };
    if (this.#signer) {
      this.#signer.decodeFrame(msg.data, msg.headers, onEnvelope, (reason, env) =>
        this.#rejectSigned(this.#lane, msg, reason, env),
      );
      return;
    }
    decodeFrame(msg.data, onEnvelope, (reason) =>
      this.#reject(this.#lane, msg.subject, msg.data, reason),
    );
  }

  /** Counts, traces and dead-letters a message that cannot be delivered. Never silent. */
  #reject(
    lane: TraceLane,
    subject: string,
    data: Uint8Array,
    reason: string,
    env?: Envelope,
  ): void {
    this.stats.rejected++;
    lane.emit({
      kind: 'reject',
      reason,
      subject,
      bytes: data.length,
      ...(env ? { msgId: env.id, from: env.from } : {}),
    });
    if (this.#ncDown()) return;
    const h = natsHeaders();
    h.set('Llmt-Reason', reason.replace(/[^\x20-\x7e]/g, '?').slice(0, 512));
    h.set('Llmt-Subject', subject);
    h.set('Llmt-Node', this.node);
    h.set('Llmt-Actor', lane.id);
    this.nc.publish(this.subjects.dlq, data, { headers: h });
    this.stats.deadLettered++;
  }

  deadLetter(subject: string, data: Uint8Array, reason: string): void {
    this.#reject(this.#lane, subject, data, reason);
  }

  readonly #beatListeners = new Set<(hb: Heartbeat, subject: string) => void>();
  #beatSub: Subscription | undefined;

  onHeartbeat(listener: (hb: Heartbeat, subject: string) => void): () => void {
    this.#beatListeners.add(listener);
    this.#beatSub ??= this.nc.subscribe(this.subjects.heartbeatWildcard, {
      callback: (err, msg) => {
        if (err) return;
        const hb = parseHeartbeat(msg.data, msg.subject);
        if (typeof hb === 'string') {
          this.#reject(this.#lane, msg.subject, msg.data, hb);
          return;
        }
        for (const l of this.#beatListeners) l(hb, msg.subject);
      },
    });
    return () => {
      this.#beatListeners.delete(listener);
    };
  }

  #rejectSigned(lane: TraceLane, msg: Msg, reason: string, env: Envelope | undefined): void {
    this.#reject(lane, msg.subject, env ? encodeEnvelope(env) : msg.data, reason, env);
  }

  // ---- sending -------------------------------------------------------------------------

  transmit(env: Envelope, mode: DeliveryMode, sender: ActorCell): void {
    if (this.#closed) {
      throw new RuntimeError(
        'HOST_CLOSED',
        `host ${this.node} is closed; ${sender.id} cannot send`,
      );
    }
    this.stats.sent++;
    this.#options.deliveryGate?.sent?.(env, mode);
    if (mode === 'at-least-once') {
      // A fault on an at-least-once send is a lost publish: the publisher sees no PubAck and
      // retries (see #publishDurable), so the interceptor is consulted per publish attempt.
      this.#dispatch(env, mode, sender);
      return;
    }
    if (this.interceptor?.outbound) {
      const decision = this.interceptor.outbound(env, mode);
      if (decision && decision.action !== 'deliver') {
        sender.lane.emit({
          kind: 'fault',
          ...faultDetail(decision),
          fault: decision.fault,
          msgId: env.id,
          side: 'send',
        });
        if (decision.action === 'drop') this.stats.dropped++;
        else if (decision.action === 'delay') {
          this.#later(decision, () => this.#dispatch(env, mode, sender));
        } else {
          for (let i = 0; i <= decision.copies; i++) this.#dispatch(env, mode, sender);
        }
        return;
      }
    }
    this.#dispatch(env, mode, sender);
  }

  readonly #checkedTargets = new Set<string>();
  readonly #checkedTypes = new Set<string>();

  checkOutgoing(from: string, to: string, type: string): void {
    if (!this.#checkedTypes.has(type)) {
      const problem = messageTypeProblem(type);
      if (problem) throw new RuntimeError('INVALID_ARGUMENT', `${from} cannot send: ${problem}`);
      if (this.#checkedTypes.size < 10_000) this.#checkedTypes.add(type);
    }
    if (!this.#checkedTargets.has(to)) {
      if (to.charCodeAt(0) === 35) assertToken('topic', to.slice(1));
      else assertToken('actor id', to);
      if (this.#checkedTargets.size < 100_000) this.#checkedTargets.add(to);
    }
  }

  #inboxSubject(to: string): string {
    let subject = this.#inboxSubjects.get(to);
    if (subject === undefined) {
      subject = this.subjects.inbox(to);
      this.#inboxSubjects.set(to, subject);
    }
    return subject;
  }

  #dispatch(env: Envelope, mode: DeliveryMode, sender: ActorCell): void {
    if (this.#closed || this.#ncDown()) return;
    if (mode === 'at-least-once') {
      this.track(this.#publishDurable(env, sender));
      return;
    }
    const subject =
      env.to.charCodeAt(0) === 35
        ? this.subjects.topic(env.to.slice(1))
        : this.#inboxSubject(env.to);
    // With telemetry each envelope goes alone: its trace context travels in its own headers.
    if (!this.#batch || this.telemetry) {
      this.#publish(subject, [env], sender);
      return;
    }
    let queue = this.#outbox.get(subject);
    if (!queue) {
      queue = [];
      this.#outbox.set(subject, queue);
    }
    queue.push(env);
    if (queue.length >= this.#maxBatch) {
      this.#outbox.delete(subject);
      this.#publish(subject, queue, sender);
    } else if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      queueMicrotask(this.#flushOutbox);
    }
  }

  readonly #flushOutbox = (): void => {
    this.#flushScheduled = false;
    if (this.#outbox.size === 0) return;
    for (const [subject, queue] of this.#outbox) {
      const sender = this.#cells.get(queue[0]!.from);
      this.#publish(subject, queue, sender);
    }
    this.#outbox.clear();
  };

  #publish(subject: string, envs: Envelope[], sender: ActorCell | undefined): void {
    if (this.#ncDown()) return;
    if (this.#signer && envs.length > 1) {
      const groups = this.#signer.groupBySigner(envs);
      if (groups.length > 1) {
        for (const group of groups) this.#publish(subject, group, this.#cells.get(group[0]!.from));
        return;
      }
    }
    const data = envs.length === 1 ? encodeEnvelope(envs[0]!) : encodeBatch(envs);
    const max = this.nc.info?.max_payload ?? 1_048_576;
    if (data.length > max) {
      if (envs.length > 1) {
        const half = envs.length >> 1;
        this.#publish(subject, envs.slice(0, half), sender);
        this.#publish(subject, envs.slice(half), sender);
        return;
      }
      sender?.failSend(
        envs[0]!,
        new Error(`message of ${data.length} bytes exceeds max_payload ${max}`),
      );
      return;
    }
    if (envs.length > 1) this.stats.batches++;
    const carrier = this.telemetry?.carrierOf(envs[0]!);
    if (this.#signer || carrier) {
      const headers = this.#signer?.sign(envs[0]!.from, data) ?? natsHeaders();
      for (const key in carrier) headers.set(key, carrier[key]!);
      this.nc.publish(subject, data, { headers });
      return;
    }
    this.nc.publish(subject, data);
  }

  async #publishDurable(env: Envelope, sender: ActorCell): Promise<void> {
    this.#js ??= jetstream(this.nc);
    // The budget counts the planned waits, not elapsed time, so the number of attempts (and
    // with it the trace) does not depend on how fast the machine is: a replay matches.
    let waitedMs = 0;
    const data = encodeEnvelope(env);
    const subject = this.subjects.durableInbox(env.to);
    const carrier = this.telemetry?.carrierOf(env);
    let headers = this.#signer?.sign(env.from, data);
    if (carrier) {
      headers ??= natsHeaders();
      for (const key in carrier) headers.set(key, carrier[key]!);
    }
    for (let attempt = 1; ; attempt++) {
      try {
        let copies = 1;
        const decision = this.interceptor?.outbound?.(env, 'at-least-once');
        if (decision && decision.action !== 'deliver') {
          sender.lane.emit({
            kind: 'fault',
            ...faultDetail(decision),
            fault: decision.fault,
            msgId: env.id,
            side: 'send',
          });
          if (decision.action === 'drop') {
            this.stats.dropped++;
            throw new Error(`publish of ${env.id} lost (injected ${decision.fault})`);
          }
          if (decision.action === 'delay') {
            await new Promise<void>((resolve) => this.#later(decision, resolve));
            if (this.#closed) return; // in flight when the host closed
          } else copies += decision.copies; // JetStream's dedup on Nats-Msg-Id keeps one.
        }
        for (let c = 0; c < copies; c++) {
          const ack = await this.#js.publish(subject, data, {
            msgID: env.id,
            timeout: 5000,
            ...(headers ? { headers } : {}),
          });
          // A first publish JetStream calls a duplicate was never stored: another sender used
          // this id within the duplicate window (ids drawn from a shared seed). Say so loudly.
          if (ack.duplicate && attempt === 1 && c === 0) {
            this.stats.dropped++;
            sender.lane.emit({
              kind: 'mark',
              name: 'send.id-collision',
              msgId: env.id,
              to: env.to,
              stream: ack.stream,
              streamSeq: ack.seq,
            });
          }
        }
        return;
      } catch (err) {
        const delay = this.#closed
          ? undefined
          : nextRetryDelay(this.#publishRetry, attempt, waitedMs, this.random);
        if (delay === undefined) {
          sender.failSend(env, err);
          return;
        }
        waitedMs += delay;
        await new Promise<void>((resolve) => this.clock.setTimeout(resolve, delay));
      }
    }
  }

  readonly #held = new Set<() => void>();

  /**
   * Runs `fn` after an interceptor's delay: `ms`, or sooner when the decision carries a
   * `release` promise (a held message let go, e.g. when a partition heals). close() lets every
   * held message go, so a held durable publish cannot keep the host open.
   */
  #later(decision: { ms: number; release?: unknown }, fn: () => void): void {
    let done = false;
    const fire = () => {
      if (done) return;
      done = true;
      this.#held.delete(fire);
      this.clock.clearTimeout(timer);
      fn();
    };
    const timer = this.clock.setTimeout(fire, decision.ms);
    if (decision.release instanceof Promise) {
      this.#held.add(fire);
      void decision.release.then(fire, fire);
    }
  }

  // ---- lifecycle -----------------------------------------------------------------------

  async flush(): Promise<void> {
    this.#flushOutbox();
    if (!this.#ncDown()) await this.nc.flush();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    for (const cell of this.#cells.values()) await cell.stop();
    this.#flushOutbox();
    this.#closed = true;
    for (const fire of [...this.#held]) fire();
    while (this.#tracked.size > 0) await Promise.allSettled([...this.#tracked]);
    this.#inboxSub?.unsubscribe();
    for (const sub of this.#actorSubs.values()) sub.unsubscribe();
    this.#actorSubs.clear();
    this.#topicSub?.unsubscribe();
    this.#beatSub?.unsubscribe();
    this.#beatListeners.clear();
    this.#cells.clear();
    this.#bySubject.clear();
    this.#handles.clear();
    // A connection that is reconnecting (a cut link, a broker failover) may not answer the
    // final round trip; closing must not fail on it.
    if (!this.#ncDown()) await this.nc.flush().catch(() => undefined);
  }
}

/** A trace sink that also feeds the host's telemetry (which derives GenAI spans from it). */
function observed(sink: TraceSink | undefined, telemetry: RuntimeTelemetry): TraceSink {
  return {
    write(event: TraceEvent) {
      sink?.write(event);
      telemetry.observe(event);
    },
  };
}
