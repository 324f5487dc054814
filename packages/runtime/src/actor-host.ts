/**
 * The actor host: the public ActorHost, its registry of cells, spawn and stop, topics, and the
 * outgoing path (transmit); inbound routing, the outbox, the durable publisher and delivery
 * faults are files of their own.
 * Long file: the ActorHost interface (its documented contract) sits beside the one class that
 * implements it; each method is short.
 */
import type { AnyActorLogic } from 'xstate';
import {
  assertToken,
  createTeamSubjects,
  type Subscription,
  type TeamSubjects,
} from '@llm-teams/broker';
import { ActorCell } from './actor-cell.js';
import { createActorHandle, type ActorHandle } from './actor-handle.js';
import { ActorRegistry, RETIRED_CLOCKS_MAX } from './actor-registry.js';
import type { CompiledAskOptions } from './ask.js';
import type { Clock } from './clock.js';
import { HeldDeliveries, resolveFault } from './delivery-faults.js';
import type { DeliveryPolicy } from './delivery-policy.js';
import { openDurableInbox } from './durable-inbox.js';
import { DurablePublisher } from './durable-publisher.js';
import { createEnvelopeSigner, type EnvelopeSigner } from './envelope-signing.js';
import {
  createEnvelopeValidator,
  isTopicTarget,
  messageTypeProblem,
  type Envelope,
} from './envelope.js';
import { RuntimeError } from './errors.js';
import { createHeartbeater, type Heartbeat, type HeartbeatSource } from './heartbeat.js';
import { zeroHostStats, type HostCore, type HostedSender, type HostStats } from './host-core.js';
import {
  resolveHostOptions,
  type ActorHostOptions,
  type ResolvedHostOptions,
} from './host-options.js';
import type { IdGenerator } from './ids.js';
import { InboundRouter } from './inbound-router.js';
import type { MessageInterceptor } from './message-interceptor.js';
import { Outbox } from './outbox.js';
import type { Random } from './random.js';
import type { SnapshotStore } from './snapshot-store.js';
import type { SpawnOptions } from './spawn-options.js';
import type { CompiledSupervisionPolicy } from './supervisor.js';
import { TraceLane } from './trace-lane.js';
import type { DeliveryMode, TraceDetail, TraceEvent, TraceSink } from './trace-event.js';
import type { RuntimeTelemetry } from './telemetry.js';

export type { ActorHostOptions } from './host-options.js';
export type { ActorHandle } from './actor-handle.js';

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

/**
 * Runs xstate actors bound to NATS. One wildcard subscription on the team's inboxes serves
 * all the host's actors (envelopes for actors of other hosts are counted as `foreign` and
 * skipped before decoding); one more serves broadcast topics once an actor joins one.
 *
 * The host composes its parts: the registry of actors (`actor-registry.ts`), what arrives
 * (`inbound-router.ts`), at-most-once publishing (`outbox.ts`), at-least-once publishing
 * (`durable-publisher.ts`) and fault application (`delivery-faults.ts`). Every message an
 * actor sends goes through `transmit` here.
 */
export async function createActorHost(options: ActorHostOptions): Promise<ActorHost> {
  const host = new Host(resolveHostOptions(options));
  await host.open();
  return host;
}

class Host implements ActorHost, HostCore {
  readonly nc: ResolvedHostOptions['nc'];
  readonly team: string;
  readonly node: string;
  readonly subjects: TeamSubjects;
  readonly clock: Clock;
  readonly transportClock: Clock;
  readonly random: Random;
  readonly seed: string;
  readonly ids: IdGenerator;
  readonly trace: TraceSink | undefined;
  readonly telemetry: RuntimeTelemetry | undefined;
  readonly policy: DeliveryPolicy;
  readonly interceptor: MessageInterceptor | undefined;
  readonly askDefaults: CompiledAskOptions;
  readonly dedupWindow: number;
  readonly maxPendingAsks: number;
  readonly workingIntervalMs: number;
  readonly snapshots: SnapshotStore | undefined;
  readonly supervision: CompiledSupervisionPolicy;
  readonly stats: HostStats = zeroHostStats();
  readonly #o: ResolvedHostOptions;
  readonly #lane: TraceLane;
  readonly #registry = new ActorRegistry();
  readonly #handles = new Map<string, ActorHandle>();
  readonly #retiredLanes = new Map<string, TraceLane>();
  readonly #inboxSubjects = new Map<string, string>();
  readonly #tracked = new Set<Promise<unknown>>();
  readonly #held: HeldDeliveries;
  readonly #signer: EnvelopeSigner | undefined;
  readonly #router: InboundRouter;
  readonly #outbox: Outbox;
  readonly #durable: DurablePublisher;
  #inboxSub: Subscription | undefined;
  #topicSub: Subscription | undefined;
  #closed = false;

  constructor(o: ResolvedHostOptions) {
    this.#o = o;
    this.nc = o.nc;
    this.subjects = createTeamSubjects({ team: o.team, prefix: o.prefix });
    this.team = this.subjects.team;
    this.node = o.node;
    this.clock = o.clock;
    this.transportClock = o.transportClock;
    this.seed = o.seed;
    this.random = o.random;
    this.ids = o.ids;
    this.telemetry = o.telemetry;
    this.trace = o.telemetry ? observed(o.trace, o.telemetry) : o.trace;
    this.policy = o.policy;
    this.interceptor = o.interceptor;
    this.askDefaults = o.askDefaults;
    this.dedupWindow = o.dedupWindow;
    this.maxPendingAsks = o.maxPendingAsks;
    this.workingIntervalMs = o.workingIntervalMs;
    this.snapshots = o.snapshots;
    this.supervision = o.supervision;
    this.#lane = new TraceLane(`@${this.node}`, this.node, this.trace, this.clock);
    this.#signer = o.signing ? createEnvelopeSigner(o.signing) : undefined;
    this.#held = new HeldDeliveries(this.clock);
    const closed = () => this.#closed;
    this.#router = new InboundRouter({
      nc: this.nc,
      team: this.team,
      node: this.node,
      subjects: this.subjects,
      registry: this.#registry,
      stats: this.stats,
      lane: this.#lane,
      held: this.#held,
      validate: createEnvelopeValidator(),
      signer: this.#signer,
      interceptor: this.interceptor,
      gate: o.deliveryGate,
      telemetry: o.telemetry,
      closed,
    });
    this.#outbox = new Outbox({
      nc: this.nc,
      stats: this.stats,
      signer: this.#signer,
      batch: o.batch,
      maxBatch: o.maxBatch,
      senderOf: (id) => this.#registry.cell(id),
      telemetry: o.telemetry,
    });
    this.#durable = new DurablePublisher({
      nc: this.nc,
      subjects: this.subjects,
      stats: this.stats,
      clock: this.clock,
      random: this.random,
      policy: o.publishRetry,
      held: this.#held,
      signer: this.#signer,
      interceptor: this.interceptor,
      maxInFlight: o.maxInFlightDurable,
      telemetry: o.telemetry,
      closed,
    });
  }

  /** Closed or draining: nothing more may be published (it would throw). */
  #ncDown(): boolean {
    return this.nc.isClosed() || this.nc.isDraining();
  }

  async open(): Promise<void> {
    if (this.#o.inboxSubscription === 'wildcard') {
      this.#inboxSub = this.nc.subscribe(this.subjects.inboxWildcard, {
        callback: this.#router.onInbox,
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
    if (this.#registry.has(id)) {
      throw new RuntimeError('DUPLICATE_ACTOR', `actor ${id} already runs on host ${this.node}`);
    }
    this.#signer?.assertCanSign(id);
    // The new incarnation writes on the stopped one's lane: what that one still records (a
    // request it had in flight, a late delivery) takes its place in one sequence, rather
    // than repeating seqs the new one has used.
    const cell = new ActorCell(this, id, logic, options, this.#retiredLanes.get(id));
    const earlier = this.#registry.retired(id);
    if (earlier) {
      // A new incarnation of an actor this host stopped: its lane continues, and what the
      // stopped one processed since its checkpoint may come again (JetStream redelivers it).
      cell.carryOver(earlier);
      cell.lane.emit({ kind: 'mark', name: 'actor.respawned' });
    }
    this.#registry.add(cell);
    try {
      await this.#start(cell, options);
    } catch (err) {
      this.#registry.remove(id);
      await cell.stop().catch(() => undefined);
      throw err;
    }
    const handle = createActorHandle<TLogic>(cell, () => this.#stopActor(cell.id));
    this.#handles.set(id, handle);
    return handle;
  }

  /** Starts a registered actor: checkpoint, durable inbox, subscriptions, topics, heartbeats. */
  async #start(cell: ActorCell, options: SpawnOptions): Promise<void> {
    const id = cell.id;
    const restore = options.restore ?? this.snapshots !== undefined;
    const checkpoint = restore ? await this.snapshots?.load(id) : undefined;
    cell.start(checkpoint);
    if (checkpoint) {
      cell.lane.emit({ kind: 'mark', name: 'actor.restored', savedAt: checkpoint.savedAt });
    }
    if (options.durable ?? this.#o.durableByDefault) {
      const signer = this.#signer;
      cell.durableStop = await openDurableInbox(cell, this.subjects.durableInbox(id), {
        nc: this.nc,
        team: this.team,
        stream: this.#o.inboxStream,
        ackWaitMs: this.#o.ackWaitMs,
        maxDeliver: this.#o.maxDeliver,
        setupRetry: this.#o.setupRetry,
        clock: this.clock,
        // Its own stream: a retried setup does not shift the draws of the run's other choices.
        random: this.random.fork('durable-setup'),
        deliver: (c, env, msg) => this.#router.deliver(c, env, msg.subject, msg),
        onReject: (c, subject, data, reason, env) =>
          this.#router.reject(c.lane, subject, data, reason, env),
        ...(signer ? { verify: (d, h, e) => signer.verifyEnvelope(d, h, e) } : {}),
      });
    }
    if (this.#o.inboxSubscription === 'per-actor') {
      this.#registry.setSubscription(
        id,
        this.nc.subscribe(cell.subject, { callback: this.#router.onInbox }),
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
  }

  actor(id: string): ActorHandle | undefined {
    return this.#handles.get(id);
  }

  actorIds(): string[] {
    return this.#registry.ids();
  }

  async #stopActor(id: string): Promise<void> {
    const cell = this.#registry.remove(id);
    if (!cell) return;
    this.#handles.delete(id);
    this.#registry.retire(cell);
    this.#retiredLanes.delete(id);
    this.#retiredLanes.set(id, cell.lane);
    if (this.#retiredLanes.size > RETIRED_CLOCKS_MAX) {
      const oldest = this.#retiredLanes.keys().next().value;
      if (oldest !== undefined) this.#retiredLanes.delete(oldest);
    }
    await cell.stop();
    // Stopping may have recorded more events on its lane (unless it is back already).
    if (!this.#registry.has(id)) this.#registry.retire(cell);
  }

  async join(actorId: string, topic: string): Promise<void> {
    assertToken('topic', topic);
    const cell = this.#registry.cell(actorId);
    if (!cell) throw new RuntimeError('UNKNOWN_ACTOR', `no actor ${actorId} on host ${this.node}`);
    this.#registry.join(topic, cell);
    if (!this.#topicSub) {
      this.#topicSub = this.nc.subscribe(this.subjects.topicWildcard, {
        callback: this.#router.onTopic,
      });
      await this.nc.flush();
    }
  }

  leave(actorId: string, topic: string): void {
    const cell = this.#registry.cell(actorId);
    if (cell) this.#registry.leave(topic, cell);
  }

  onActorFailed(cell: HostedSender, error: unknown): void {
    this.#o.onActorFailed?.(cell.id, error);
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

  // ---- bad input and heartbeats ----------------------------------------------------------

  deadLetter(subject: string, data: Uint8Array, reason: string): void {
    this.#router.reject(this.#lane, subject, data, reason);
  }

  onHeartbeat(listener: (hb: Heartbeat, subject: string) => void): () => void {
    return this.#router.onHeartbeat(listener);
  }

  // ---- sending -------------------------------------------------------------------------

  /**
   * Every transmission of every actor (first attempts and retries, both modes) comes through
   * here: the one place a message is sent. At-most-once sends meet their faults here; an
   * at-least-once send meets them per publish attempt (a lost publish is retried).
   */
  transmit(env: Envelope, mode: DeliveryMode, sender: HostedSender): void {
    if (this.#closed) {
      throw new RuntimeError(
        'HOST_CLOSED',
        `host ${this.node} is closed; ${sender.id} cannot send`,
      );
    }
    this.stats.sent++;
    this.#o.deliveryGate?.sent?.(env, mode);
    const decision = mode === 'at-most-once' ? this.interceptor?.outbound?.(env, mode) : undefined;
    if (decision === undefined || decision.action === 'deliver') {
      this.#dispatch(env, mode, sender);
      return;
    }
    const fault = resolveFault(decision, sender.lane, env.id, 'send', this.stats);
    this.#held.run(fault, () => this.#dispatch(env, mode, sender));
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
      if (isTopicTarget(to)) assertToken('topic', to.slice(1));
      else assertToken('actor id', to);
      if (this.#checkedTargets.size < 100_000) this.#checkedTargets.add(to);
    }
  }

  #inboxSubject(to: string): string {
    let subject = this.#inboxSubjects.get(to);
    if (subject === undefined) {
      subject = this.subjects.inbox(to);
      if (this.#inboxSubjects.size < 100_000) this.#inboxSubjects.set(to, subject);
    }
    return subject;
  }

  #dispatch(env: Envelope, mode: DeliveryMode, sender: HostedSender): void {
    if (this.#closed || this.#ncDown()) return;
    if (mode === 'at-least-once') {
      this.track(this.#durable.publish(env, sender));
      return;
    }
    const subject = isTopicTarget(env.to)
      ? this.subjects.topic(env.to.slice(1))
      : this.#inboxSubject(env.to);
    this.#outbox.enqueue(subject, env, sender);
  }

  // ---- lifecycle -----------------------------------------------------------------------

  async flush(): Promise<void> {
    this.#outbox.flush();
    if (!this.#ncDown()) await this.nc.flush();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    for (const cell of this.#registry.cells()) await cell.stop();
    this.#outbox.flush();
    this.#closed = true;
    this.#held.releaseAll();
    while (this.#tracked.size > 0) await Promise.allSettled([...this.#tracked]);
    this.#inboxSub?.unsubscribe();
    this.#topicSub?.unsubscribe();
    this.#router.close();
    this.#registry.clear();
    this.#handles.clear();
    // A connection that is reconnecting (a cut link, a broker failover) may not answer the
    // final round trip; closing must not fail on it.
    if (!this.#ncDown()) await this.nc.flush().catch(() => undefined);
  }
}

/** A trace sink that also feeds the host's telemetry (which derives GenAI spans from it). */
function observed(sink: TraceSink | undefined, telemetry: RuntimeTelemetry): TraceSink {
  return {
    write(event: TraceEvent, detail?: TraceDetail) {
      sink?.write(event);
      telemetry.observe(event, detail);
    },
  };
}
