/**
 * The lead of the paper's harness: lock-step rounds. It tells every live worker to act
 * (`round.go`), waits until each has reported (`round.step`) — the round lasts, in model time,
 * as long as its slowest step — and starts the next, until the board is done. In `preassign`
 * mode it deals the tasks out before the first round, critical path first, round-robin (the
 * paper's pre-assignment, without a model: its lead did not think either); a suspected worker's
 * tasks are dealt to the others. Messages a round's steps sent reach everyone in the next one.
 */
import { assign, fromPromise, setup } from 'xstate';
import {
  delay,
  systemClock,
  type ActorRuntime,
  type Clock,
  type MessageEvent,
} from '@llm-teams/runtime';
import { hostBinding, type RuntimeBinding } from '../protocols/runtime-binding.js';
import type { TaskBoard } from '../team-state/task-board.js';
import type { PeerMessage, RoundGo, RoundStep, RoundsMode } from './rounds-messages.js';

export interface RoundsLeadServices {
  id: string;
  mode: RoundsMode;
  workers: readonly string[];
  /** Task ids in priority order (critical path first). */
  order: readonly string[];
  board: TaskBoard;
  clock?: Clock;
  /** Real ms per model ms: a round starts no earlier in real time than in model time. */
  timeScale: number;
  runStartMs: number;
  /** Real ms a round waits for a step before the worker is left out of it. Default 120000. */
  stepTimeoutMs?: number;
  /** Rounds in a row with nothing done and nothing running before the run fails. Default 3. */
  maxStalledRounds?: number;
  /** How the lead reaches the runtime. Default: its `ActorHost`. */
  binding?: RuntimeBinding;
}

export interface RoundsLeadContext {
  round: number;
  modelTime: number;
  /** Workers that have not reported this round. */
  waiting: string[];
  suspected: string[];
  /** Pre-assigned queues (rounds). */
  queues: Record<string, string[]>;
  /** Workers whose queue changed since their last go. */
  changed: string[];
  /** Messages the last round's steps sent, delivered with this round's go. */
  delivering: PeerMessage[];
  /** Messages of the round under way, delivered with the next go. */
  inbox: PeerMessage[];
  /** Someone worked in the round under way. */
  worked: boolean;
  /** Rounds in a row in which nobody worked. */
  stalled: number;
  /** Latest end of a step this round. */
  roundEnd: number;
  outcome: 'running' | 'completed' | 'failed';
}

type LeadEvent =
  | MessageEvent<'round.step', RoundStep>
  | { type: 'worker.suspected'; worker: string }
  | { type: 'worker.recovered'; worker: string }
  | { type: 'run.stop' };

/** Deals tasks round-robin over the workers, in priority order. */
export function dealTasks(
  order: readonly string[],
  workers: readonly string[],
): Record<string, string[]> {
  const queues: Record<string, string[]> = Object.fromEntries(workers.map((w) => [w, []]));
  order.forEach((id, i) => queues[workers[i % workers.length]!]!.push(id));
  return queues;
}

/** The first round: every worker, with its dealt queue in `preassign` mode. */
function initialContext(s: RoundsLeadServices): RoundsLeadContext {
  return {
    round: 1,
    modelTime: 0,
    waiting: [...s.workers],
    suspected: [],
    queues: s.mode === 'preassign' ? dealTasks(s.order, s.workers) : {},
    changed: [],
    delivering: [],
    inbox: [],
    worked: false,
    stalled: 0,
    roundEnd: 0,
    outcome: 'running',
  };
}

interface BetweenInput {
  modelTime: number;
  stalled: number;
  suspected: string[];
}

/** Between rounds: pace real time to model time, then see whether the board is done. */
async function betweenRounds(
  s: RoundsLeadServices,
  clock: Clock,
  input: BetweenInput,
): Promise<'done' | 'failed' | 'next'> {
  const board = async () => [...(await s.board.all()).values()].map((v) => v.entry);
  const wait = s.runStartMs + input.modelTime * s.timeScale - clock.now();
  if (wait > 1) await delay(clock, wait);
  const entries = await board();
  if (entries.every((e) => e.status === 'done')) return 'done';
  if (entries.some((e) => e.status === 'failed')) return 'failed';
  // A suspected worker's claims go back on the board for the others to take.
  const orphaned = entries.filter(
    (e) => e.status === 'claimed' && e.owner && input.suspected.includes(e.owner),
  );
  await Promise.all(
    orphaned.map((o) =>
      s.board.update(o.id, (e) =>
        e.status === 'claimed' && e.owner === o.owner
          ? { ...e, status: 'open', owner: undefined, leaseUntil: undefined }
          : { code: 'changed' },
      ),
    ),
  );
  if (orphaned.length > 0) return 'next';
  return input.stalled >= (s.maxStalledRounds ?? 3) ? 'failed' : 'next';
}

/** Tells every waiting worker to act, with what it was dealt when its queue changed. */
function startRound(s: RoundsLeadServices, rt: ActorRuntime, context: RoundsLeadContext): void {
  rt.record({
    kind: 'mark',
    name: 'round.start',
    round: context.round,
    modelTime: context.modelTime,
    workers: context.waiting,
  });
  const dealing = context.waiting.filter(
    (w) => s.mode === 'preassign' && (context.round === 1 || context.changed.includes(w)),
  );
  // What each worker is dealt (in the first round, and after a reassignment).
  if (dealing.length > 0)
    rt.record({
      kind: 'mark',
      name: 'round.deal',
      round: context.round,
      queues: Object.fromEntries(dealing.map((w) => [w, context.queues[w] ?? []])),
    });
  for (const w of context.waiting) {
    const go: RoundGo = {
      round: context.round,
      modelTime: context.modelTime,
      messages: context.delivering,
      ...(dealing.includes(w) ? { assigned: context.queues[w] ?? [] } : {}),
    };
    rt.tell(w, 'round.go', go);
  }
}

/** A suspected worker leaves the round; its pre-assigned tasks go to the others, in order. */
function suspect(
  s: RoundsLeadServices,
  context: RoundsLeadContext,
  worker: string,
): Partial<RoundsLeadContext> {
  if (context.suspected.includes(worker)) return {};
  const suspected = [...context.suspected, worker];
  const others = s.workers.filter((w) => !suspected.includes(w));
  // Its pre-assigned tasks go to the others, dealt in order.
  const queues = { ...context.queues };
  const orphans = queues[worker] ?? [];
  queues[worker] = [];
  const dealt = dealTasks(orphans, others.length > 0 ? others : [worker]);
  for (const w of others) queues[w] = [...(queues[w] ?? []), ...(dealt[w] ?? [])];
  return {
    suspected,
    queues,
    changed: [...new Set([...context.changed, ...others])],
    waiting: context.waiting.filter((w) => w !== worker),
  };
}

/** A worker's step: it is no longer waited on; its messages go out with the next go. */
function recordStep(
  context: RoundsLeadContext,
  event: MessageEvent<'round.step', RoundStep>,
): Partial<RoundsLeadContext> {
  const b = event.body;
  return {
    waiting: context.waiting.filter((w) => w !== event.envelope.from),
    roundEnd: Math.max(context.roundEnd, b.modelTime),
    inbox: [...context.inbox, ...b.messages.map((m) => ({ ...m, from: event.envelope.from }))],
    worked: context.worked || !b.idle,
  };
}

/** The next round's context: the live workers, and the messages of the round just ended. */
function nextRound(s: RoundsLeadServices, context: RoundsLeadContext): Partial<RoundsLeadContext> {
  return {
    round: context.round + 1,
    modelTime: Math.max(context.modelTime, context.roundEnd),
    roundEnd: 0,
    waiting: s.workers.filter((w) => !context.suspected.includes(w)),
    // The messages of the round just ended go out with the next go.
    delivering: context.inbox,
    inbox: [],
    worked: false,
    stalled: context.worked ? 0 : context.stalled + 1,
  };
}

export function createRoundsLeadMachine(s: RoundsLeadServices) {
  const clock = s.clock ?? systemClock;
  const bind = s.binding ?? hostBinding;

  return setup({
    types: { context: {} as RoundsLeadContext, events: {} as LeadEvent },
    actors: {
      between: fromPromise<'done' | 'failed' | 'next', BetweenInput>(({ input }) =>
        betweenRounds(s, clock, input),
      ),
    },
    actions: {
      startRound: ({ context, system }) => startRound(s, bind(system), context),
      markStepTimeout: ({ context, system }) =>
        bind(system).record({
          kind: 'mark',
          name: 'round.step.timeout',
          round: context.round,
          workers: context.waiting,
        }),
      markRoundEnd: ({ context, system }) =>
        bind(system).record({
          kind: 'mark',
          name: 'round.end',
          round: context.round,
          modelTime: Math.max(context.modelTime, context.roundEnd),
        }),
    },
    delays: { stepTimeout: () => s.stepTimeoutMs ?? 120_000 },
  }).createMachine({
    id: 'rounds-lead',
    context: () => initialContext(s),
    initial: 'round',
    on: {
      'run.stop': '.stopped',
      'worker.suspected': {
        actions: assign(({ context, event }) => suspect(s, context, event.worker)),
      },
      'worker.recovered': {
        actions: assign({
          suspected: ({ context, event }) => context.suspected.filter((w) => w !== event.worker),
        }),
      },
    },
    states: {
      round: {
        entry: [
          'startRound',
          // The go just sent carried their new queues.
          assign({
            changed: ({ context }) => context.changed.filter((w) => !context.waiting.includes(w)),
          }),
        ],
        always: { guard: ({ context }) => context.waiting.length === 0, target: 'between' },
        on: {
          'round.step': {
            guard: ({ context, event }) =>
              event.body.round === context.round && context.waiting.includes(event.envelope.from),
            actions: assign(({ context, event }) => recordStep(context, event)),
          },
        },
        // A step that never comes (its worker hangs without being suspected) must not hold
        // the team: the round ends without it.
        after: {
          stepTimeout: {
            actions: ['markStepTimeout', assign({ waiting: [] })],
          },
        },
      },
      between: {
        entry: 'markRoundEnd',
        invoke: {
          src: 'between',
          input: ({ context }) => ({
            modelTime: Math.max(context.modelTime, context.roundEnd),
            stalled: context.worked ? 0 : context.stalled + 1,
            suspected: context.suspected,
          }),
          onDone: [
            {
              guard: ({ event }) => event.output === 'done',
              target: 'finished',
              actions: assign({ outcome: 'completed' }),
            },
            {
              guard: ({ event }) => event.output === 'failed',
              target: 'finished',
              actions: assign({ outcome: 'failed' }),
            },
            {
              target: 'round',
              actions: assign(({ context }) => nextRound(s, context)),
            },
          ],
          onError: { target: 'finished', actions: assign({ outcome: 'failed' }) },
        },
      },
      finished: {
        type: 'final',
        entry: ({ context, system }) =>
          bind(system).broadcast('team', 'run.done', { status: context.outcome }),
      },
      stopped: { type: 'final' },
    },
  });
}
