import { RuntimeError } from '../errors.js';
import { createRandom, type Random } from '../random.js';
import {
  ACTOR_FAULTS,
  defaultStep,
  type ScheduleChoice,
  type ScheduleStep,
  type ScheduleStrategy,
  type FaultAction,
  type StepAction,
} from './schedule-types.js';
import { parseStepId } from './step-conflicts.js';

/** Delivery faults of one kind a searching strategy may inject (drops, redeliveries). */
export interface DropFaultOptions {
  /** Chance that a chosen delivery gets the fault. Default 0 (no faults). */
  probability?: number;
  /** Faults of this kind per run at most. Default 3. */
  max?: number;
}

/** Faults on an actor (a pause, a clock jump, a crash) a searching strategy may inject. */
export interface PauseFaultOptions extends DropFaultOptions {
  /** Actors that may get the fault. Default: any. */
  actors?: readonly string[];
  /** Steps the fault may come before: `deliver` (as a message reaches the actor) or any but
   *  time. Default any. */
  steps?: 'deliver' | 'any';
}

/** The faults a searching strategy may choose. */
export interface DeliveryFaultOptions {
  /** Messages lost. */
  drop?: DropFaultOptions;
  /** Messages delivered again later (a lost ack: JetStream redelivers). */
  redeliver?: DropFaultOptions;
  /** Actors stopped for a while (`ScheduleDriverOptions.pauseMs`). */
  pause?: PauseFaultOptions;
  /** Actors' clocks stepped forward (`ScheduleDriverOptions.jumpMs`): a skew from then on. */
  jump?: PauseFaultOptions;
  /** Actors crashed and restored from their checkpoints (`ScheduleDriverOptions.onCrash`). */
  crash?: PauseFaultOptions;
}

export interface RandomWalkOptions extends DeliveryFaultOptions {
  seed: number | string;
  /** Weight of the time step against 1 for every other enabled step: how often a timer fires
   *  while messages or operations are still waiting (slow networks). Default 0.2. */
  timeWeight?: number;
  /** Chance that a decision is random at all; otherwise it takes the default step. Lower
   *  values give schedules with fewer deviations (cheaper to shrink) that still preempt
   *  anywhere. Default 1 (every decision uniform). */
  switchProbability?: number;
}

export interface PctOptions extends DeliveryFaultOptions {
  seed: number | string;
  /** Bug depth d: d - 1 priority change points. Default 3. */
  depth?: number;
  /** Expected number of decisions k in a run; change points are drawn from [0, k). Default
   *  2000. */
  maxSteps?: number;
}

/** A reordering or fault relative to the default order, as shrinking sees it. */
export interface ScheduleDeviation {
  /** Decision index where it was taken. */
  index: number;
  /** The default step at that point. */
  fallback: string;
  /** The step taken instead (equal to `fallback` for a fault on the default step). */
  step: string;
  action?: FaultAction;
}

function oneFault(random: Random, options: PauseFaultOptions | undefined, fault: FaultAction) {
  const p = options?.probability ?? 0;
  const max = options?.max ?? 3;
  const actors = options?.actors ? new Set(options.actors) : undefined;
  let used = 0;
  return (step: ScheduleStep): StepAction => {
    if (p <= 0 || used >= max) return 'run';
    const on = ACTOR_FAULTS.has(fault) ? (options?.steps ?? 'any') : 'deliver';
    if (step.kind === 'time' || (on === 'deliver' && step.kind !== 'deliver')) return 'run';
    if (actors && !actors.has(step.actor ?? '')) return 'run';
    if (random.next() >= p) return 'run';
    // After the draw, so every other step's draws are what they were before.
    if (fault === 'crash' && step.crashable === false) return 'run';
    used++;
    return fault;
  };
}

/** Draws the fault (if any) a chosen step gets: a drop, else a redelivery, else a pause, a
 *  clock jump, a crash. Each kind draws from its own fork, so adding one changes no other's
 *  draws (a search without it finds what it found before). */
function faulter(random: Random, options: DeliveryFaultOptions) {
  const kinds = [
    oneFault(random.fork('drop'), options.drop, 'drop'),
    oneFault(random.fork('redeliver'), options.redeliver, 'redeliver'),
    oneFault(random.fork('pause'), options.pause, 'pause'),
    oneFault(random.fork('jump'), options.jump, 'jump'),
    oneFault(random.fork('crash'), options.crash, 'crash'),
  ];
  return (step: ScheduleStep): StepAction => {
    for (const kind of kinds) {
      const a = kind(step);
      if (a !== 'run') return a;
    }
    return 'run';
  };
}

/** Always the default: no preemption, oldest first, time last. */
export function createFifoStrategy(): ScheduleStrategy {
  return { name: 'fifo', choose: (point) => ({ step: point.fallback }) };
}

/** Uniform over the enabled steps (time weighted by `timeWeight`), seeded. */
export function createRandomWalkStrategy(options: RandomWalkOptions): ScheduleStrategy {
  const random = createRandom(`random-walk/${options.seed}`);
  const timeWeight = Math.max(0, options.timeWeight ?? 0.2);
  const switching = options.switchProbability ?? 1;
  const drop = faulter(random, options);
  return {
    name: 'random',
    choose({ enabled, fallback }) {
      if (switching < 1 && random.next() >= switching) {
        return { step: fallback, action: drop(fallback) };
      }
      const last = enabled[enabled.length - 1]!;
      const hasTime = last.kind === 'time';
      const others = hasTime ? enabled.length - 1 : enabled.length;
      if (others === 0) return { step: last };
      const total = others + (hasTime ? timeWeight : 0);
      const x = random.next() * total;
      const step = x >= others ? last : enabled[Math.floor(x)]!;
      return { step, action: drop(step) };
    },
  };
}

/**
 * Probabilistic concurrency testing (Burckhardt et al., ASPLOS 2010): every actor gets a random
 * priority when first seen; the enabled step of the highest-priority actor runs; at d - 1
 * random decision indices the actor just run drops below every initial priority. Finds any
 * bug of depth d with probability at least 1 / (n k^(d-1)). Time runs only when nothing else
 * can.
 */
export function createPctStrategy(options: PctOptions): ScheduleStrategy {
  const random = createRandom(`pct/${options.seed}`);
  const depth = Math.max(1, Math.floor(options.depth ?? 3));
  const k = Math.max(1, Math.floor(options.maxSteps ?? 2000));
  const changeAt = new Map<number, number>();
  for (let i = 1; i < depth; i++) changeAt.set(random.int(k), i);
  const priority = new Map<string, number>();
  const drop = faulter(random, options);
  const prioOf = (actor: string) => {
    let p = priority.get(actor);
    if (p === undefined) {
      p = depth + random.next();
      priority.set(actor, p);
    }
    return p;
  };
  return {
    name: 'pct',
    choose({ index, enabled }) {
      let best: ScheduleStep | undefined;
      let bestPrio = -Infinity;
      for (const s of enabled) {
        if (s.actor === undefined) continue;
        const p = prioOf(s.actor);
        if (p > bestPrio) {
          best = s;
          bestPrio = p;
        }
      }
      const step = best ?? enabled[enabled.length - 1]!;
      const change = changeAt.get(index);
      if (change !== undefined && step.actor !== undefined) priority.set(step.actor, change);
      return { step, action: drop(step) };
    },
  };
}

/** Follows a recorded schedule exactly; a step the run does not offer is a divergence. */
export function createReplayStrategy(choices: readonly ScheduleChoice[]): ScheduleStrategy {
  return {
    name: 'replay',
    choose({ index, enabled }) {
      const choice = choices[index];
      if (!choice) {
        throw new RuntimeError(
          'SCHEDULE_DIVERGED',
          `replay diverged at decision ${index}: the schedule has ${choices.length} decisions but the run goes on (enabled: ${ids(enabled)})`,
        );
      }
      const step = enabled.find((s) => s.id === choice.step);
      if (!step) {
        throw new RuntimeError(
          'SCHEDULE_DIVERGED',
          `replay diverged at decision ${index}: ${choice.step} is not enabled (enabled: ${ids(enabled)})`,
        );
      }
      return { step, action: choice.action ?? 'run' };
    },
  };
}

/**
 * The default order plus the given deviations, for shrinking. A deviation "took X when the
 * default was F" is read as an ordering constraint, X before F: F waits while X has not run
 * (redirecting to X when X can run; else running something else meanwhile; when only time
 * could advance, the constraint is given up). With every deviation of a run this reproduces the run
 * exactly; with a subset, each kept constraint still holds wherever both steps occur, which
 * is what makes a subset likely to keep a race when unrelated reorderings are removed. A fault
 * (drop, redelivery) applies to its step whenever that step runs.
 */
export function createGuidedStrategy(deviations: readonly ScheduleDeviation[]): ScheduleStrategy {
  const before = new Map<string, string[]>();
  const faults = new Map<string, FaultAction>();
  for (const d of deviations) {
    if (d.step !== d.fallback) {
      const list = before.get(d.fallback);
      if (list) list.push(d.step);
      else before.set(d.fallback, [d.step]);
    }
    if (d.action) faults.set(d.step, d.action);
  }
  const taken = new Set<string>();
  const givenUp = new Set<string>();
  const waitsFor = (f: string) =>
    (before.get(f) ?? []).filter((x) => !taken.has(x) && !givenUp.has(`${x}<${f}`));
  return {
    name: 'guided',
    choose({ enabled, fallback, last }) {
      const byId = new Map(enabled.map((s) => [s.id, s]));
      let pick = fallback;
      for (let hop = 0; hop < enabled.length; hop++) {
        const x = waitsFor(pick.id).find((id) => byId.has(id));
        if (x === undefined) break;
        pick = byId.get(x)!;
      }
      const blockers = waitsFor(pick.id);
      if (blockers.length > 0) {
        // Waiting is bounded by time: a step may wait for others that run now, but not for a
        // timer to fire, or a constraint that cannot be met would stall the run until its
        // deadline. Meanwhile the actors it waits for go first: they are the ones to catch up.
        const free = enabled.filter((s) => s.kind !== 'time' && waitsFor(s.id).length === 0);
        const owners = new Set(blockers.map((x) => actorOf(x)));
        const helping = free.filter((s) => s.actor !== undefined && owners.has(s.actor));
        if (helping.length > 0) pick = helping[0]!;
        else if (free.length > 0) pick = defaultStep(free, last);
        else for (const x of blockers) givenUp.add(`${x}<${pick.id}`);
      }
      taken.add(pick.id);
      return { step: pick, action: faults.get(pick.id) ?? 'run' };
    },
  };
}

/** The actor in a step id (`parseStepId` reads the rest). */
function actorOf(id: string): string | undefined {
  const info = parseStepId(id);
  return info.kind === 'time' ? undefined : info.actor;
}

function ids(steps: readonly ScheduleStep[]): string {
  const shown = steps.slice(0, 12).map((s) => s.id);
  return shown.join(', ') + (steps.length > 12 ? `, … ${steps.length - 12} more` : '');
}
