import type {
  DeliveryGate,
  ScheduleChoice,
  ScheduleStep,
  SharedStateGate,
} from './schedule-types.js';
import type { VirtualClock } from './virtual-clock.js';

export interface ScheduleDriverOptions {
  /** The clock every timer of the controlled actors is set on. */
  clock: VirtualClock;
  /** Where decisions are made: a local controller's `decide`, or `natsScheduleDecider`. */
  decide(enabled: readonly ScheduleStep[]): ScheduleChoice | Promise<ScheduleChoice>;
  /** Resolves once every message published so far has reached this process's subscribers:
   *  `nc.flush()` on the one connection the team's hosts publish and subscribe on. */
  flush(): Promise<void>;
  /** Resolves after every callback queued so far has run (the macrotask boundary quiescence
   *  waits for). Default: `setImmediate`. Runs that share a connection share one
   *  (`createStepBatcher`), so their steps are taken in one turn and their requests leave in
   *  one socket write. */
  tick?: () => Promise<void>;
  /** Decisions before the run is wound down (`onWindDown('budget')`). Default 50000. */
  maxSteps?: number;
  /** How long a `pause` fault stops its actor (virtual ms). Default 3000. */
  pauseMs?: number;
  /** Hears each `pause` fault when it is taken (the caller traces it). */
  onPause?(actor: string, untilMs: number): void;
  /** How far a `jump` fault steps its actor's clock forward (ms). Default 1000. */
  jumpMs?: number;
  /** Applies a `jump` fault: the caller owns the actors' clocks (and traces it). Without it a
   *  jump is refused (`INVALID_ARGUMENT`). */
  onJump?(actor: string, ms: number): void;
  /** Applies a `crash` fault: kills the actor and restores it from its checkpoint; the driver
   *  waits for it as for a released operation. Without it a crash is refused. */
  onCrash?: (actor: string) => Promise<void>;
  /** Whether `onCrash` can restore `actor`; steps of one it cannot are marked
   *  `crashable: false` and a crash of it is refused. Default: every actor. */
  crashable?(actor: string): boolean;
  /** Steps allowed while winding down before the driver gives up. Default 10000. */
  windDownSteps?: number;
  /**
   * Called once when the schedule cannot go on (`budget`: maxSteps reached; `error`: the
   * decider failed, e.g. a replay diverged). The driver then takes default steps, unrecorded,
   * so the caller can bring the run to its end (jump the clock past a deadline, `restrict`
   * to the actor that ends it).
   */
  onWindDown?(reason: 'budget' | 'error', driver: ScheduleDriver): void;
}

export interface ScheduleRunEnd {
  /** `stopped`: `stop()` was called (the run ended). `stuck`: nothing enabled and no timer.
   *  `budget` / `error`: wound down, then stopped (or gave up). */
  reason: 'stopped' | 'stuck' | 'budget' | 'error';
  /** Decisions taken (recorded ones; wind-down steps are not counted). */
  steps: number;
  error?: unknown;
}

/**
 * The host side of a controlled run. Its gates hold every delivery and shared-state operation
 * as a pending step; `run()` repeatedly waits for quiescence (the released operation has
 * finished, every published message has arrived and been held, no microtask is left), asks
 * for a decision, and takes it. So exactly one step runs at a time, and a run is a function of
 * its decisions.
 */
export interface ScheduleDriver {
  readonly deliveryGate: DeliveryGate;
  readonly sharedStateGate: SharedStateGate;
  readonly clock: VirtualClock;
  /** Recorded decisions taken so far. */
  readonly steps: number;
  run(): Promise<ScheduleRunEnd>;
  /** No step is taken after the current one; `run()` resolves. */
  stop(): void;
  /** Only these actors' steps (and time) are enabled from now on; undefined lifts it. */
  restrict(actors: ReadonlySet<string> | undefined): void;
  /** Fails the operations still waiting (`SCHEDULE_CLOSED`), forgets held messages and
   *  timers. */
  close(): void;
}
