import { systemClock, type Clock, type TimerHandle } from '../clock.js';
import { isTopicTarget, type Envelope } from '../envelope.js';
import type { AckLoss, InterceptDecision, MessageInterceptor } from '../message-interceptor.js';
import { createRandom, randomSeed, type Random } from '../random.js';
import type { DeliveryMode, TracePayload } from '../trace-event.js';
import { sampleDelay } from './delay-distribution.js';
import {
  FaultSpecError,
  MAX_TIMER_MS,
  parseMessageFault,
  type MessageFaultKind,
  type MessageFaultSpec,
} from './fault-spec.js';
import { layoutPartition, type PartitionLayout } from './partition-shapes.js';
import { nameMatcher } from './selector.js';

export type FaultEventPayload = TracePayload<'fault'>;

export interface FaultInjectorOptions {
  /** Seed of every draw (which message is hit, how long it waits, partition layouts).
   *  Default: a random seed. */
  seed?: number | string;
  /** Default: `createRandom(seed)`. */
  random?: Random;
  /** Default: the system clock. */
  clock?: Clock;
  /** Where fault lifecycle events go: activation, heal, partition start and heal. The host
   *  records each message the injector hits by itself. Default: nowhere. */
  record?: (event: FaultEventPayload) => void;
  /** Faults active from the start. */
  faults?: readonly unknown[];
}

export type FaultState = 'pending' | 'active';

/** A fault the injector holds: waiting for its activation delay, or active. */
export interface InjectedFault {
  id: string;
  kind: MessageFaultKind;
  state: FaultState;
  /** Messages hit so far. */
  hits: number;
  spec: MessageFaultSpec;
  /** A partition's components once it is active. */
  groups?: string[][];
}

export interface AddFaultOptions {
  /** Record no activation or heal events (a caller that records its own, like a pause). */
  quiet?: boolean;
}

/**
 * Seeded message faults as a `MessageInterceptor`: drop, delay, duplicate, reorder, hold and
 * partitions, with selectors, probabilities, counts and activation / heal windows. Faults can
 * be added and cleared while the team runs (`serveFaultControl` does it from the control
 * subject).
 */
export interface FaultInjector extends MessageInterceptor {
  /** Validates and adds a fault; returns its id. Throws `FaultSpecError`. */
  add(spec: unknown, options?: AddFaultOptions): string;
  /** Heals one fault, or every fault without an id; returns the ids cleared. Held messages
   *  are let go. */
  clear(id?: string): string[];
  list(): InjectedFault[];
  /** Messages this host has sent (each counted at its first transmission). */
  readonly messages: number;
  /** Called with each message at its first transmission (triggers count these). */
  onMessage(listener: (envelope: Envelope, mode: DeliveryMode) => void): () => void;
  /** Clears every fault and stops every timer. */
  close(): void;
}

export function createFaultInjector(options: FaultInjectorOptions = {}): FaultInjector {
  const injector = new Injector(options);
  for (const spec of options.faults ?? []) injector.add(spec);
  return injector;
}

interface Held {
  left: number;
  release: () => void;
}

interface Rule {
  id: string;
  spec: MessageFaultSpec;
  quiet: boolean;
  state: FaultState;
  hits: number;
  from: (name: string) => boolean;
  to: (name: string) => boolean;
  type: (name: string) => boolean;
  layout?: PartitionLayout;
  timers: TimerHandle[];
  /** Reorder: the message held per channel. */
  held: Map<string, Held>;
  /** Hold and partition: releases of the messages held until the fault heals. */
  releases: Set<() => void>;
}

/** Keys of decisions remembered, so a retried publish of one message draws anew. */
const SEEN_LIMIT = 8192;

class Injector implements FaultInjector {
  readonly #random: Random;
  readonly #clock: Clock;
  readonly #record: (event: FaultEventPayload) => void;
  readonly #rules = new Map<string, Rule>();
  readonly #seen = new Map<string, number>();
  readonly #listeners = new Set<(envelope: Envelope, mode: DeliveryMode) => void>();
  #next = 0;
  #messages = 0;

  constructor(options: FaultInjectorOptions) {
    this.#random = options.random ?? createRandom(options.seed ?? randomSeed());
    this.#clock = options.clock ?? systemClock;
    this.#record = options.record ?? (() => undefined);
  }

  get messages(): number {
    return this.#messages;
  }

  onMessage(listener: (envelope: Envelope, mode: DeliveryMode) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  add(value: unknown, options: AddFaultOptions = {}): string {
    const spec = parseMessageFault(value);
    const id = spec.id ?? `${spec.kind}-${++this.#next}`;
    if (this.#rules.has(id)) throw new FaultSpecError([`a fault with id ${id} is already active`]);
    const rule: Rule = {
      id,
      spec,
      quiet: options.quiet ?? false,
      state: 'pending',
      hits: 0,
      from: nameMatcher(spec.from),
      to: nameMatcher(spec.to),
      type: nameMatcher(spec.type),
      timers: [],
      held: new Map(),
      releases: new Set(),
    };
    this.#rules.set(id, rule);
    if (spec.afterMs)
      rule.timers.push(this.#clock.setTimeout(() => this.#activate(rule), spec.afterMs));
    else this.#activate(rule);
    return id;
  }

  clear(id?: string): string[] {
    const ids = id === undefined ? [...this.#rules.keys()] : this.#rules.has(id) ? [id] : [];
    for (const i of ids) this.#heal(this.#rules.get(i)!, 'cleared');
    return ids;
  }

  list(): InjectedFault[] {
    return [...this.#rules.values()].map((r) => ({
      id: r.id,
      kind: r.spec.kind,
      state: r.state,
      hits: r.hits,
      spec: r.spec,
      ...(r.layout ? { groups: r.layout.groups } : {}),
    }));
  }

  close(): void {
    for (const rule of [...this.#rules.values()]) this.#heal(rule, 'closed', false);
    this.#listeners.clear();
  }

  #activate(rule: Rule): void {
    if (this.#rules.get(rule.id) !== rule) return;
    rule.state = 'active';
    const { spec } = rule;
    if (spec.kind === 'partition') {
      rule.layout = layoutPartition(spec, this.#random.fork(`partition/${rule.id}`));
      if (!rule.quiet) {
        this.#record({
          kind: 'fault',
          fault: 'partition',
          phase: 'start',
          faultId: rule.id,
          shape: spec.shape,
          actors: rule.layout.groups.flat().concat(rule.layout.bridge ?? []),
          groups: rule.layout.groups,
          ...(rule.layout.bridge !== undefined ? { bridge: rule.layout.bridge } : {}),
          oneWay: rule.layout.oneWay,
        });
      }
    } else if (!rule.quiet) {
      const { id: _id, kind: _kind, afterMs: _a, healAfterMs: _h, ...detail } = spec;
      this.#record({ kind: 'fault', fault: spec.kind, phase: 'on', faultId: rule.id, ...detail });
    }
    if (spec.healAfterMs !== undefined) {
      rule.timers.push(this.#clock.setTimeout(() => this.#heal(rule, 'healed'), spec.healAfterMs));
    }
  }

  #heal(rule: Rule, why: 'healed' | 'cleared' | 'closed', record = true): void {
    if (this.#rules.get(rule.id) !== rule) return;
    this.#rules.delete(rule.id);
    for (const t of rule.timers) this.#clock.clearTimeout(t);
    const wasActive = rule.state === 'active';
    for (const held of rule.held.values()) held.release();
    rule.held.clear();
    for (const release of [...rule.releases]) release();
    rule.releases.clear();
    if (!record || rule.quiet || !wasActive) return;
    if (rule.spec.kind === 'partition') {
      this.#record({
        kind: 'fault',
        fault: 'partition.heal',
        phase: 'end',
        faultId: rule.id,
        actors: rule.layout!.groups.flat().concat(rule.layout!.bridge ?? []),
        reason: why,
      });
    } else {
      this.#record({
        kind: 'fault',
        fault: rule.spec.kind,
        phase: 'off',
        faultId: rule.id,
        reason: why,
      });
    }
  }

  // ---- the interceptor -----------------------------------------------------------------

  outbound(env: Envelope, mode: DeliveryMode): InterceptDecision | undefined {
    const key = `${env.id}/${env.attempt}`;
    const n = this.#seen.get(key) ?? 0;
    this.#remember(key, n + 1);
    if (n === 0) {
      this.#messages++;
      for (const listener of this.#listeners) listener(env, mode);
    }
    // A broadcast is judged per member on receipt, where the member is known.
    if (isTopicTarget(env.to) || this.#rules.size === 0) return undefined;
    return this.#decide(env, env.to, mode, n);
  }

  inbound(env: Envelope, actorId: string, mode: DeliveryMode): InterceptDecision | undefined {
    // Direct messages were judged at the sender.
    if (!isTopicTarget(env.to) || this.#rules.size === 0) return undefined;
    return this.#decide(env, actorId, mode, 0);
  }

  beforeAck(env: Envelope, actorId: string): true | AckLoss {
    // JetStream collapses duplicate publishes of one message id, so an at-least-once message is
    // duplicated by losing its ack: JetStream delivers it again after its ack wait.
    for (const rule of this.#rules.values()) {
      if (rule.state !== 'active' || rule.spec.kind !== 'duplicate') continue;
      if (!this.#matches(rule, env, actorId, 'at-least-once')) continue;
      if (!this.#draw(rule, env, actorId, 'ack')) continue;
      rule.hits++;
      return { fault: rule.spec.kind, faultId: rule.id };
    }
    return true;
  }

  #remember(key: string, n: number): void {
    this.#seen.delete(key);
    this.#seen.set(key, n);
    if (this.#seen.size > SEEN_LIMIT) this.#seen.delete(this.#seen.keys().next().value!);
  }

  #matches(rule: Rule, env: Envelope, receiver: string, mode: DeliveryMode): boolean {
    const { spec } = rule;
    if (spec.count !== undefined && rule.hits >= spec.count) return false;
    if (spec.mode !== undefined && spec.mode !== mode) return false;
    if (!rule.from(env.from) || !rule.type(env.type)) return false;
    return rule.to(receiver) || (receiver !== env.to && rule.to(env.to));
  }

  /** Whether the fault hits this message; the draw is keyed on the message, not on the order
   *  messages arrive in, so one seed hits the same messages however actors interleave. */
  #draw(rule: Rule, env: Envelope, receiver: string, salt: string | number): Random | undefined {
    const p = rule.spec.probability ?? 1;
    const random = this.#random.fork(
      `${rule.id}/${env.from}/${receiver}/${env.seq}/${env.attempt}/${salt}`,
    );
    if (p < 1 && random.next() >= p) return undefined;
    return random;
  }

  #decide(
    env: Envelope,
    receiver: string,
    mode: DeliveryMode,
    publish: number,
  ): InterceptDecision | undefined {
    const channel = `${env.from}\u0000${receiver}\u0000${mode}`;
    for (const rule of this.#rules.values()) {
      const held = rule.held.get(channel);
      if (held && --held.left <= 0) {
        rule.held.delete(channel);
        // After this message has gone out: the host dispatches it when we return.
        queueMicrotask(held.release);
      }
    }
    for (const rule of this.#rules.values()) {
      if (rule.state !== 'active' || !this.#matches(rule, env, receiver, mode)) continue;
      if (rule.layout && !rule.layout.cuts(env.from, receiver)) continue;
      const random = this.#draw(rule, env, receiver, publish);
      if (!random) continue;
      const decision = this.#apply(rule, mode, channel, random);
      if (!decision) continue;
      rule.hits++;
      return decision;
    }
    return undefined;
  }

  #apply(
    rule: Rule,
    mode: DeliveryMode,
    channel: string,
    random: Random,
  ): InterceptDecision | undefined {
    const { spec } = rule;
    const fault = { fault: spec.kind, faultId: rule.id };
    switch (spec.kind) {
      case 'drop':
        return { action: 'drop', ...fault };
      case 'delay':
        return { action: 'delay', ms: sampleDelay(spec.delay, random), ...fault };
      case 'duplicate':
        // At-least-once copies are made by losing the ack (beforeAck).
        if (mode === 'at-least-once') return undefined;
        return { action: 'duplicate', copies: spec.copies ?? 1, ...fault };
      case 'reorder': {
        if (rule.held.has(channel)) return undefined;
        const ms = spec.maxHoldMs ?? 1000;
        const after = spec.after ?? 1;
        const held: Held = { left: after, release: () => undefined };
        const release = this.#releaseAfter(ms, (r) => {
          held.release = r;
          rule.held.set(channel, held);
        });
        // Let go by its timer: the channel may hold the next one.
        void release.then(() => {
          if (rule.held.get(channel) === held) rule.held.delete(channel);
        });
        return { action: 'delay', ms, after, release, ...fault };
      }
      case 'hold':
        return this.#holdUntilHealed(rule, spec.maxHoldMs ?? MAX_TIMER_MS, fault);
      case 'partition':
        // Across a partition a core NATS message is lost; an at-least-once one waits in the
        // stream until the partition heals, as JetStream keeps it for the cut-off consumer.
        if (mode === 'at-most-once') return { action: 'drop', ...fault };
        return this.#holdUntilHealed(rule, MAX_TIMER_MS, fault);
    }
  }

  #holdUntilHealed(
    rule: Rule,
    ms: number,
    fault: { fault: string; faultId: string },
  ): InterceptDecision {
    let release!: () => void;
    const promise = this.#releaseAfter(ms, (r) => {
      release = r;
      rule.releases.add(r);
    });
    void promise.then(() => rule.releases.delete(release));
    return { action: 'delay', ms, held: true, release: promise, ...fault };
  }

  /** A promise the host waits on (besides `ms`) before letting a held message go. */
  #releaseAfter(ms: number, register: (release: () => void) => void): Promise<void> {
    return new Promise<void>((resolve) => {
      let timer: TimerHandle;
      const release = () => {
        this.#clock.clearTimeout(timer);
        resolve();
      };
      if (ms < MAX_TIMER_MS) timer = this.#clock.setTimeout(release, ms);
      register(release);
    });
  }
}
