import { teamResourceNames, type NatsConnection } from '@llm-teams/broker';
import { compileAskOptions, type AskOptions, type CompiledAskOptions } from './ask.js';
import { systemClock, type Clock } from './clock.js';
import {
  createDeliveryPolicy,
  policyUsesDurable,
  type DeliveryPolicy,
  type DeliveryPolicyOptions,
} from './delivery-policy.js';
import type { EnvelopeSigningOptions } from './envelope-signing.js';
import { RuntimeError } from './errors.js';
import { createIdGenerator, type IdGenerator } from './ids.js';
import type { MessageInterceptor } from './message-interceptor.js';
import { createRandom, randomSeed, type Random } from './random.js';
import { compileRetryPolicy, type CompiledRetryPolicy, type RetryPolicy } from './retry-policy.js';
import type { DeliveryGate } from './schedule/schedule-types.js';
import type { SnapshotStore } from './snapshot-store.js';
import {
  compileSupervisionPolicy,
  type CompiledSupervisionPolicy,
  type SupervisionPolicy,
} from './supervisor.js';
import type { TraceSink } from './trace-event.js';
import { registeredRuntimeTelemetry, type RuntimeTelemetry } from './telemetry.js';

export interface ActorHostOptions {
  nc: NatsConnection;
  team: string;
  /** Subject prefix. Default `llmt`. */
  prefix?: string;
  /** This host's name in the trace. Default `node-<pid>`. */
  node?: string;
  /** Time of the actors' behaviour: ask deadlines, retries, restarts, xstate's delays,
   *  trace stamps. Default: the system clock. */
  clock?: Clock;
  /** Time of the transport: the in-progress acks that keep JetStream from redelivering a
   *  message a busy actor still works on. It answers JetStream's real ack wait, so it stays
   *  on real time when `clock` is virtual (a controlled schedule). Default: the system
   *  clock. */
  transportClock?: Clock;
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
  /** Processed ids remembered per actor for deduplication (and the replies cached for them).
   *  Default 1024. 0 turns deduplication off: TEST ONLY, the deliberately broken
   *  `double-execution` variant (a redelivered message is processed again). */
  dedupWindow?: number;
  /** Asks one actor may have waiting at once; one more fails at once (`ask.failed`, reason
   *  `overloaded`) without being sent. Default 1024. */
  maxPendingAsks?: number;
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
    /** At-least-once publishes of this host still waiting for their PubAck (retrying through
     *  a broker outage, say); one more fails at once with `send.failed`. Default 10000. */
    maxInFlight?: number;
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

/** The host's options with every default resolved (`resolveHostOptions`, the one place). */
export interface ResolvedHostOptions {
  readonly nc: NatsConnection;
  readonly team: string;
  readonly prefix: string | undefined;
  readonly node: string;
  readonly clock: Clock;
  readonly transportClock: Clock;
  readonly seed: string;
  readonly random: Random;
  readonly ids: IdGenerator;
  readonly trace: TraceSink | undefined;
  readonly telemetry: RuntimeTelemetry | undefined;
  readonly policy: DeliveryPolicy;
  /** Some type is at-least-once: actors get a durable inbox unless they say otherwise. */
  readonly durableByDefault: boolean;
  readonly askDefaults: CompiledAskOptions;
  readonly dedupWindow: number;
  readonly maxPendingAsks: number;
  readonly maxInFlightDurable: number;
  readonly batch: boolean;
  readonly maxBatch: number;
  readonly ackWaitMs: number;
  readonly workingIntervalMs: number;
  readonly maxDeliver: number;
  readonly publishRetry: CompiledRetryPolicy;
  readonly setupRetry: CompiledRetryPolicy;
  readonly inboxStream: string;
  readonly snapshots: SnapshotStore | undefined;
  readonly supervision: CompiledSupervisionPolicy;
  readonly interceptor: MessageInterceptor | undefined;
  readonly deliveryGate: DeliveryGate | undefined;
  readonly onActorFailed: ((actorId: string, error: unknown) => void) | undefined;
  readonly signing: EnvelopeSigningOptions | undefined;
  readonly inboxSubscription: 'wildcard' | 'per-actor';
}

function positiveInt(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RuntimeError('INVALID_ARGUMENT', `${name} must be an integer >= 1, got ${value}`);
  }
  return value;
}

/** Resolves every default of the host's options once, and checks them. */
export function resolveHostOptions(options: ActorHostOptions): ResolvedHostOptions {
  const clock = options.clock ?? systemClock;
  const seed = options.random?.seed ?? String(options.seed ?? randomSeed());
  const random = options.random ?? createRandom(seed);
  const ackWaitMs = options.durable?.ackWaitMs ?? 30_000;
  const durableRetry = { maxAttempts: Infinity, budgetMs: 30_000 };
  return {
    nc: options.nc,
    team: options.team,
    prefix: options.prefix,
    node: options.node ?? `node-${process.pid}`,
    clock,
    transportClock: options.transportClock ?? systemClock,
    seed,
    random,
    ids: options.ids ?? createIdGenerator({ random: random.fork('ids') }),
    trace: options.trace,
    telemetry: options.telemetry ?? registeredRuntimeTelemetry(),
    policy: createDeliveryPolicy(options.delivery),
    durableByDefault: policyUsesDurable(options.delivery ?? {}),
    askDefaults: compileAskOptions(options.ask),
    dedupWindow:
      options.dedupWindow === 0 ? 0 : positiveInt('dedupWindow', options.dedupWindow ?? 1024),
    maxPendingAsks: positiveInt('maxPendingAsks', options.maxPendingAsks ?? 1024),
    maxInFlightDurable: positiveInt('durable.maxInFlight', options.durable?.maxInFlight ?? 10_000),
    batch: options.batch ?? true,
    maxBatch: positiveInt('maxBatch', options.maxBatch ?? 256),
    ackWaitMs,
    workingIntervalMs: options.durable?.workingIntervalMs ?? Math.max(10, ackWaitMs / 3),
    maxDeliver: options.durable?.maxDeliver ?? -1,
    publishRetry: compileRetryPolicy(
      options.durable?.publishRetry,
      durableRetry,
      'durable.publishRetry',
    ),
    setupRetry: compileRetryPolicy(options.durable?.setupRetry, durableRetry, 'durable.setupRetry'),
    inboxStream: teamResourceNames({ team: options.team, prefix: options.prefix }).inboxStream,
    snapshots: options.snapshots,
    supervision: compileSupervisionPolicy(options.supervision),
    interceptor: options.interceptor,
    deliveryGate: options.deliveryGate,
    onActorFailed: options.onActorFailed,
    signing: options.signing,
    inboxSubscription: options.inboxSubscription ?? 'wildcard',
  };
}
