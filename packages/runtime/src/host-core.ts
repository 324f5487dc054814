import type { TeamSubjects } from '@llm-teams/broker';
import type { CompiledAskOptions } from './ask.js';
import type { Clock } from './clock.js';
import type { DeliveryPolicy } from './delivery-policy.js';
import type { Envelope } from './envelope.js';
import type { IdGenerator } from './ids.js';
import type { MessageInterceptor } from './message-interceptor.js';
import type { Random } from './random.js';
import type { SnapshotStore } from './snapshot-store.js';
import type { CompiledSupervisionPolicy } from './supervisor.js';
import type { RuntimeTelemetry } from './telemetry.js';
import type { DeliveryMode, TraceSink } from './trace-event.js';
import type { TraceLane } from './trace-lane.js';

/** Counters a host keeps; all monotonic. */
export interface HostStats {
  sent: number;
  received: number;
  /** Envelopes on the host's subscription addressed to actors of other hosts. */
  foreign: number;
  duplicates: number;
  /** Messages refused at the boundary (undecodable, invalid, misaddressed, badly signed);
   *  each is traced as `reject` and dead-lettered. */
  rejected: number;
  deadLettered: number;
  /** Valid messages for an actor that was not running (traced as `late`, not dead-lettered). */
  late: number;
  batches: number;
  crashes: number;
  dropped: number;
  /** In-progress acks sent for durable messages whose handler was still busy. */
  inProgressAcks: number;
}

/** A host's counters before its first message: every one at zero. */
export function zeroHostStats(): HostStats {
  return {
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
}

/**
 * The sending actor as the host's send path sees it (the actor cell is the one implementation;
 * stated here so that the host's side need not import the cell).
 */
export interface HostedSender {
  readonly id: string;
  readonly lane: TraceLane;
  /** The next transmission of `previous` (same id and seq, next attempt), traced as a send. */
  retransmission(previous: Envelope, mode: DeliveryMode): Envelope;
  /** A durable publish that kept failing: the actor is told `send.failed`. */
  failSend(env: Envelope, error: unknown): void;
}

/** What an actor cell needs from its host (internal to the runtime package). */
export interface HostCore {
  readonly team: string;
  readonly node: string;
  readonly subjects: TeamSubjects;
  readonly clock: Clock;
  /** Paces the transport (JetStream in-progress acks), not the actors' behaviour. */
  readonly transportClock: Clock;
  readonly random: Random;
  readonly ids: IdGenerator;
  readonly trace: TraceSink | undefined;
  /** OpenTelemetry spans; undefined (the default) costs nothing. */
  readonly telemetry: RuntimeTelemetry | undefined;
  readonly policy: DeliveryPolicy;
  readonly interceptor: MessageInterceptor | undefined;
  readonly askDefaults: CompiledAskOptions;
  readonly dedupWindow: number;
  /** Asks one actor may have waiting at once. */
  readonly maxPendingAsks: number;
  readonly workingIntervalMs: number;
  readonly snapshots: SnapshotStore | undefined;
  readonly supervision: CompiledSupervisionPolicy;
  readonly stats: HostStats;
  transmit(env: Envelope, mode: DeliveryMode, sender: HostedSender): void;
  /** Throws INVALID_ARGUMENT when `to` or `type` may not be sent (checked once per value). */
  checkOutgoing(from: string, to: string, type: string): void;
  /** Keeps a background promise in view: close() awaits it, a rejection is reported. */
  track(promise: Promise<unknown>): void;
  onActorFailed(cell: HostedSender, error: unknown): void;
}
