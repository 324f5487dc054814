import { assign, enqueueActions, fromCallback, fromPromise, setup } from 'xstate';
import type { CoordinatorEvent } from './coordinator-events.js';
import {
  allSettled,
  applyDone,
  applyRecover,
  applySuspect,
  applyUndelivered,
  applyVote,
  blocked,
  plan,
  type PlanState,
  type Send,
} from './coordinator-plan.js';
import { coordinatorLogic, type CoordinatorServices, type Effects } from './coordinator-logic.js';
import { provideImplementations } from '../agent/provide-implementations.js';

export type { CoordinatorEvent } from './coordinator-events.js';

export interface CoordinatorContext {
  epoch: number;
  plan: PlanState | undefined;
  outcome: 'running' | 'completed' | 'failed';
  /** Suspicions heard while not leading, applied on taking over. */
  suspected: string[];
  /** Reports heard while taking over (the board may have been read before they were
   *  written), handled once leading. */
  deferred: CoordinatorEvent[];
}

type Stub = 'planOptions' | 'effects';
const notProvided = (what: Stub) => () => {
  throw new Error(`coordinator chart: ${what} is provided by createCoordinatorMachine`);
};

/**
 * The centralized team's coordinator, as a chart: leader election by lease (standby until
 * elected), then fencing the board and rebuilding the plan from it (recovering), then leading:
 * critical-path-first assignment, re-assignment of a suspected worker's tasks, backup copies
 * of stragglers, verification votes. The planning is `coordinator-plan.ts` (pure), the effects
 * (sends, trace marks, board writes) are `coordinator-logic.ts`, provided by
 * `createCoordinatorMachine`. A standby runs the same machine and takes over when the
 * leader's lease expires, so work already done is not redone; a leader told by a worker that
 * a newer epoch exists (`leader.fenced`) steps down at once.
 */
export const coordinatorChart = setup({
  types: { context: {} as CoordinatorContext, events: {} as CoordinatorEvent },
  actors: {
    election: fromCallback<CoordinatorEvent>(() => undefined),
    takeOver: fromPromise<PlanState | { deposedBy: number }, { epoch: number }>(() =>
      Promise.reject(new Error('coordinator chart: takeOver is not provided')),
    ),
    ticker: fromCallback<CoordinatorEvent>(() => undefined),
  },
  actions: {
    /** Applies a change to the plan, plans again, and performs the effects. */
    step: notProvided('planOptions'),
    recordElected: notProvided('effects'),
    recordLost: notProvided('effects'),
    recordDeposed: notProvided('effects'),
    announceEnd: notProvided('effects'),
    defer: assign({ deferred: ({ context, event }) => [...context.deferred, event] }),
    replayDeferred: enqueueActions(({ context, enqueue }) => {
      for (const event of context.deferred) enqueue.raise(event);
      enqueue.assign({ deferred: [] });
    }),
    noteSuspected: assign({
      suspected: ({ context, event }) =>
        event.type === 'worker.suspected'
          ? [...new Set([...context.suspected, event.worker])]
          : context.suspected,
    }),
    noteRecovered: assign({
      suspected: ({ context, event }) =>
        event.type === 'worker.recovered'
          ? context.suspected.filter((w) => w !== event.worker)
          : context.suspected,
    }),
  },
  guards: {
    settled: ({ context }) =>
      context.plan !== undefined && (allSettled(context.plan) || blocked(context.plan)),
    deposed: ({ event }) => 'deposedBy' in (event as unknown as { output: object }).output,
    newerEpoch: ({ context, event }) =>
      event.type === 'leader.fenced' && event.body.seen > context.epoch,
  },
}).createMachine({
  id: 'coordinator',
  context: { epoch: 0, plan: undefined, outcome: 'running', suspected: [], deferred: [] },
  invoke: { src: 'election' },
  initial: 'standby',
  on: { 'run.stop': '.stopped' },
  states: {
    standby: {
      on: {
        'lease.acquired': {
          target: 'recovering',
          actions: assign({ epoch: ({ event }) => event.epoch, deferred: [] }),
        },
        'worker.suspected': { actions: 'noteSuspected' },
        'worker.recovered': { actions: 'noteRecovered' },
      },
    },
    recovering: {
      entry: 'recordElected',
      // Nothing heard while the board is read is lost. A recovery dropped here left its worker
      // suspected for the whole reign (a run stalled with every worker idle, after a pause had
      // them all suspected at once); a report dropped here, of work done after the board was
      // read, would leave its task running and its worker busy in the plan for good.
      on: {
        'worker.suspected': { actions: 'noteSuspected' },
        'worker.recovered': { actions: 'noteRecovered' },
        'task.done': { actions: 'defer' },
        'vote.cast': { actions: 'defer' },
        'lease.lost': 'standby',
      },
      invoke: {
        src: 'takeOver',
        input: ({ context }) => ({ epoch: context.epoch }),
        onDone: [
          { guard: 'deposed', target: 'standby', actions: 'recordDeposed' },
          {
            target: 'leading',
            actions: assign({
              plan: ({ context, event }) => {
                const state = event.output as PlanState;
                for (const w of context.suspected) applySuspect(state, w);
                return state;
              },
            }),
          },
        ],
        onError: 'standby',
      },
    },
    leading: {
      entry: [{ type: 'step', params: { change: 'dispatch' } }, 'replayDeferred'],
      always: { guard: 'settled', target: 'finished' },
      invoke: { src: 'ticker' },
      on: {
        tick: { actions: { type: 'step', params: { change: 'dispatch' } } },
        'task.done': { actions: { type: 'step', params: { change: 'done' } } },
        'vote.cast': { actions: { type: 'step', params: { change: 'vote' } } },
        'worker.suspected': {
          actions: [
            { type: 'step', params: { change: 'suspect' } },
            assign({
              suspected: ({ context, event }) => [...new Set([...context.suspected, event.worker])],
            }),
          ],
        },
        // An assignment or review request whose publish kept failing (a broker outage longer
        // than the publish retry budget) never reached its worker: give the work out again
        // instead of waiting for a report that cannot come.
        'send.failed': {
          guard: ({ event }) =>
            event.messageType === 'task.assign' || event.messageType === 'task.review',
          actions: { type: 'step', params: { change: 'undelivered' } },
        },
        'worker.recovered': {
          actions: [
            assign({
              suspected: ({ context, event }) =>
                context.suspected.filter((w) => w !== event.worker),
            }),
            { type: 'step', params: { change: 'recover' } },
          ],
        },
        'lease.lost': { target: 'standby', actions: 'recordLost' },
        'leader.fenced': { guard: 'newerEpoch', target: 'standby', actions: 'recordDeposed' },
      },
    },
    finished: {
      entry: [
        assign({
          outcome: ({ context }) =>
            context.plan && allSettled(context.plan) && !blocked(context.plan)
              ? 'completed'
              : 'failed',
        }),
        'announceEnd',
      ],
      type: 'final',
    },
    stopped: { type: 'final' },
  },
});

/** The coordinator machine of the built-in centralized team. */
export function createCoordinatorMachine(services: CoordinatorServices) {
  const logic = coordinatorLogic(services);
  return provideImplementations(coordinatorChart)({
    actors: logic.actors,
    actions: {
      step: enqueueActions(({ context, event, enqueue, system }, params) => {
        const state = context.plan;
        if (!state) return;
        const effects: Effects = logic.effects(system);
        const o = logic.planOptions(context.epoch);
        const sends: Send[] = [];
        const change = (params as { change: string }).change;
        const approved: string[] = [];
        if (change === 'done' && event.type === 'task.done') {
          sends.push(...applyDone(state, event.envelope.from, event.body, o));
        } else if (change === 'vote' && event.type === 'vote.cast') {
          applyVote(state, event.envelope.from, event.body, o);
          for (const m of state.marks)
            if (m.name === 'vote.decided' && m.data['outcome'] === 'approve')
              approved.push(m.data['taskId'] as string);
        } else if (change === 'suspect' && event.type === 'worker.suspected') {
          applySuspect(state, event.worker);
          effects.mark('worker.suspected', { worker: event.worker });
        } else if (change === 'recover' && event.type === 'worker.recovered') {
          applyRecover(state, event.worker);
        } else if (change === 'undelivered' && event.type === 'send.failed') {
          // What the lost message gave its worker, from its body.
          const { taskId, backup } = event.body as { taskId: string; backup?: boolean };
          const review = event.messageType === 'task.review';
          const held = review ? `review:${taskId}` : taskId;
          if (!applyUndelivered(state, event.to, held)) return;
          effects.mark('assign.undelivered', {
            worker: event.to,
            held,
            copy: review ? 'review' : backup ? 'backup' : 'owner',
            msgId: event.msgId,
            messageType: event.messageType,
          });
        }
        sends.push(...plan(state, o));
        enqueue.assign({ plan: state });
        enqueue(() => effects.send(sends, state));
        for (const taskId of approved)
          enqueue(() => effects.persistApproval(taskId, context.epoch));
      }),
      recordElected: ({ context, system }) =>
        logic.effects(system).mark('leader.elected', { epoch: context.epoch }),
      recordLost: ({ event, system }) => {
        const e = event as { reason?: string; validForMs?: number };
        logic.effects(system).mark('leader.lost', {
          reason: e.reason ?? '',
          ...(e.validForMs !== undefined ? { validForMs: e.validForMs } : {}),
        });
      },
      recordDeposed: ({ context, event, system }) =>
        logic.effects(system).mark('leader.deposed', {
          epoch: context.epoch,
          by:
            event.type === 'leader.fenced'
              ? event.body.seen
              : (event as unknown as { output: { deposedBy: number } }).output.deposedBy,
        }),
      announceEnd: ({ context, system }) =>
        logic.effects(system).announceEnd(context.outcome, context.epoch),
    },
  });
}

export type { CoordinatorServices } from './coordinator-logic.js';
