import type { Envelope } from '../envelope.js';
import type { InterceptDecision } from '../message-interceptor.js';
import type { DeliveryMode } from '../trace-event.js';

/**
 * One thing a controlled run can do next. Three kinds: deliver a held message to its
 * receiver, let a shared-state (KV) operation go to the server, or advance virtual time to
 * the next timer. Steps of one `channel` are enabled one at a time, oldest first: NATS keeps
 * a publisher's order per subject, and one actor's KV requests reach the server in the order
 * it made them, so reordering within a channel would be a behaviour the real system cannot
 * have.
 */
export interface ScheduleStep {
  /** Names the step in a schedule: the same in every run that made the same choices. */
  readonly id: string;
  readonly kind: 'deliver' | 'op' | 'time';
  /** Who runs when the step is taken: a delivery's receiver, an operation's caller. Time has
   *  no actor. */
  readonly actor: string | undefined;
  readonly channel: string;
  /** Order in which steps became pending in this run (time steps: -1). */
  readonly seq: number;
  /** `false`: a crash could not restore the step's actor (it is the run's own, such as the
   *  director that ends it), so no schedule crashes it here (`ScheduleDriverOptions.crashable`).
   *  Not part of the step's id. */
  readonly crashable?: false;
}

/**
 * A fault a schedule can choose. On a delivery: `drop`: the message is lost (traced as an
 * injected `sched.drop`); `redeliver`: delivered now and once more later, as JetStream
 * redelivers a message whose ack was lost (the copy is a step of its own, `<id>+r`, behind
 * what its channel holds, traced as `sched.redeliver` when it arrives). On a delivery or an
 * operation: `pause`: the step's actor stops, as a process stopped by a long GC or SIGSTOP,
 * for the driver's `pauseMs` of virtual time: none of its steps runs and nothing it sent is
 * delivered until then (traced as a `sched.pause` mark); the step itself waits too. `jump`:
 * the step's actor's clock steps forward by the driver's `jumpMs` (an NTP step, a VM resumed
 * on another host) and stays that far ahead of the others (traced as a `sched.jump` mark); the
 * step waits for the next decision. `crash`: the step's actor crashes and is restored from
 * its last checkpoint (traced as `crash` / `restart` faults); the step waits for it.
 */
export type FaultAction = 'drop' | 'redeliver' | 'pause' | 'jump' | 'crash';

/** Faults on an actor rather than on a message: allowed on any step but time. */
export const ACTOR_FAULTS: ReadonlySet<FaultAction> = new Set(['pause', 'jump', 'crash']);

/** What a schedule does with the step it picks: run it, or (deliveries only) a fault. */
export type StepAction = 'run' | FaultAction;

/** One decision: the step taken and, if not the default `run`, what was done with it. */
export interface ScheduleChoice {
  step: string;
  action?: FaultAction;
}

/** What a strategy sees at a decision point. */
export interface DecisionPoint {
  /** Decisions taken before this one. */
  readonly index: number;
  /** Enabled steps: oldest first, the time step (if any timer is set) last. Never empty. */
  readonly enabled: readonly ScheduleStep[];
  /** The non-preemptive FIFO choice (see `defaultStep`); what shrinking falls back to. */
  readonly fallback: ScheduleStep;
  /** The step taken at the previous decision. */
  readonly last: ScheduleStep | undefined;
}

/** Picks one enabled step per decision point. Every random choice comes from its seed. */
export interface ScheduleStrategy {
  readonly name: string;
  choose(point: DecisionPoint): { step: ScheduleStep; action?: StepAction };
}

/**
 * The default order: keep running the actor that ran last while it has an enabled step (no
 * preemption), else the step pending longest, else advance time. A schedule's deviations
 * from it are its reorderings; shrinking minimises them.
 */
export function defaultStep(
  enabled: readonly ScheduleStep[],
  last: ScheduleStep | undefined,
): ScheduleStep {
  if (last?.actor !== undefined) {
    for (const s of enabled) if (s.actor === last.actor && s.kind !== 'time') return s;
  }
  return enabled[0]!;
}

/** A KV operation on shared state (the task board, the workspace), as a schedule sees it. */
export interface SharedStateOp {
  /** `board`, `files`, ... */
  store: string;
  /** `get`, `update`, `create`, `put`, `keys`, ... */
  op: string;
  key: string;
  /** The actor performing it (filled in by whoever knows, e.g. the team runner). */
  actor?: string;
}

/**
 * Asks permission to run a shared-state operation and runs it: resolves with `run()`'s result
 * once the schedule has released it and it has finished. Absent, stores call the KV directly.
 */
export type SharedStateGate = <T>(op: SharedStateOp, run: () => Promise<T>) => Promise<T>;

/**
 * The host's hook for schedule control of deliveries (`ActorHostOptions.deliveryGate`).
 * Unlike a `MessageInterceptor` decision, holding is not a fault: nothing is traced until
 * the message is released, and then it is delivered (or faulted) as if it had just arrived.
 */
export interface DeliveryGate {
  /** A local actor transmitted `env` (at-most-once, before it is published). */
  sent?(env: Envelope, mode: DeliveryMode): void;
  /**
   * `env` reached local actor `actorId`. Returns true to hold it; the gate then calls
   * `release` exactly once, with nothing (deliver now) or an intercept decision (a fault).
   */
  hold(
    env: Envelope,
    actorId: string,
    mode: DeliveryMode,
    release: (decision?: InterceptDecision) => void,
  ): boolean;
}
