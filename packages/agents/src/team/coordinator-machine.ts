import { assign, enqueueActions, fromCallback, fromPromise, setup } from 'xstate';
import type { KV } from '@llm-teams/broker';
import { runtimeOf, type Clock, type MessageEvent, type SendFailedEvent } from '@llm-teams/runtime';
import type { TaskDoneBody } from '../agent/agent-machine.js';
import type { TaskBoard } from '../shared/task-board.js';
import {
  allSettled,
  applyDone,
  applyRecover,
  applySuspect,
  applyUndelivered,
  blocked,
  plan,
  stateFromBoard,
  applyVote,
  type PlanOptions,
  type PlanState,
  type Send,
  type VoteBody,
} from './coordinator-plan.js';
import { createLeaseKeeper } from './leader-lease.js';

export interface CoordinatorServices {
  id: string;
  workers: readonly string[];
  priority: ReadonlyMap<string, number>;
  board: TaskBoard;
  leases: KV;
  clock: Clock;
  timeScale: number;
  /** Default 2000. */
  leaseMs: number;
  /** Straggler checks. Default 100. */
  tickMs: number;
  maxAttempts: number;
  stragglerFactor: number;
  stragglerMinMs: number;
  backups: boolean;
  /** Speculative backups of running tasks when workers are idle at the tail. */
  tailBackups: boolean;
  /** Reviewers per completed task; 0: no verification. */
  verify: number;
}

export type CoordinatorEvent =
  | MessageEvent<'task.done', TaskDoneBody>
  | MessageEvent<'vote.cast', VoteBody>
  | { type: 'worker.suspected'; worker: string }
  | { type: 'worker.recovered'; worker: string }
  | SendFailedEvent
  | { type: 'lease.acquired'; epoch: number }
  | { type: 'lease.lost'; reason: string }
  | { type: 'run.stop' };

export interface CoordinatorContext {
  epoch: number;
  plan: PlanState | undefined;
  outcome: 'running' | 'completed' | 'failed';
  /** Suspicions heard while not leading, applied on taking over. */
  suspected: string[];
}

/**
 * The centralized team's coordinator: leader election by lease, then critical-path-first
 * assignment, re-assignment of a suspected worker's tasks, and backup copies of stragglers
 * (first to finish wins; the other copy is cancelled). A standby runs the same machine and
 * takes over when the leader's lease expires, rebuilding its view from the board, so work
 * already done is not redone.
 */
export function createCoordinatorMachine(services: CoordinatorServices) {
  const s = services;
  const options = (epoch: number): PlanOptions => ({
    epoch,
    now: s.clock.now(),
    timeScale: s.timeScale,
    maxAttempts: s.maxAttempts,
    stragglerFactor: s.stragglerFactor,
    stragglerMinMs: s.stragglerMinMs,
    backups: s.backups,
    tailBackups: s.tailBackups,
    verify: s.verify,
  });
  const sendAll = (system: Parameters<typeof runtimeOf>[0], sends: Send[], state?: PlanState) => {
    const rt = runtimeOf(system);
    for (const m of sends) rt.tell(m.to, m.type, m.body);
    for (const m of state?.marks.splice(0) ?? [])
      rt.record({ kind: 'mark', name: m.name, ...m.data });
  };

  // The board keeps each approval, so a coordinator that takes over verifies only what no
  // quorum approved yet. A failed write costs at most one more vote after a failover.
  const persistApproval = (system: Parameters<typeof runtimeOf>[0], taskId: string) => {
    const rt = runtimeOf(system);
    s.board
      .update(taskId, (e) => (e.status === 'done' ? { ...e, verified: true } : 'not done'))
      .then(
        (outcome) => {
          if (!outcome.ok) {
            rt.record({ kind: 'mark', name: 'verify.unrecorded', taskId, reason: outcome.reason });
          }
        },
        (err: unknown) =>
          rt.record({ kind: 'mark', name: 'verify.unrecorded', taskId, reason: String(err) }),
      );
  };

  return setup({
    types: { context: {} as CoordinatorContext, events: {} as CoordinatorEvent },
    actors: {
      leaseKeeper: fromCallback<CoordinatorEvent>(({ sendBack }) => {
        const keeper = createLeaseKeeper({
          kv: s.leases,
          holder: s.id,
          leaseMs: s.leaseMs,
          clock: s.clock,
          onAcquired: (epoch) => sendBack({ type: 'lease.acquired', epoch }),
          onLost: (reason) => sendBack({ type: 'lease.lost', reason }),
        });
        return () => keeper.close();
      }),
      loadBoard: fromPromise<PlanState, { epoch: number }>(async ({ input }) =>
        stateFromBoard(await s.board.all(), s.priority, s.workers, s.clock.now(), {
          reviewers: s.verify,
          epoch: input.epoch,
        }),
      ),
      ticker: fromCallback(({ sendBack }) => {
        const timer = setInterval(() => sendBack({ type: 'tick' }), s.tickMs);
        return () => clearInterval(timer);
      }),
    },
    actions: {
      dispatch: enqueueActions(({ context, enqueue, system }) => {
        const state = context.plan;
        if (!state) return;
        const sends = plan(state, options(context.epoch));
        if (sends.length > 0 || state.marks.length > 0)
          enqueue(() => sendAll(system, sends, state));
      }),
    },
    guards: {
      settled: ({ context }) =>
        context.plan !== undefined && (allSettled(context.plan) || blocked(context.plan)),
    },
  }).createMachine({
    id: 'coordinator',
    context: { epoch: 0, plan: undefined, outcome: 'running', suspected: [] },
    invoke: { src: 'leaseKeeper' },
    initial: 'standby',
    on: {
      'run.stop': '.stopped',
    },
    states: {
      standby: {
        on: {
          'lease.acquired': {
            target: 'recovering',
            actions: assign({ epoch: ({ event }) => event.epoch }),
          },
          'worker.suspected': {
            actions: assign({
              suspected: ({ context, event }) => [...new Set([...context.suspected, event.worker])],
            }),
          },
          'worker.recovered': {
            actions: assign({
              suspected: ({ context, event }) =>
                context.suspected.filter((w) => w !== event.worker),
            }),
          },
        },
      },
      recovering: {
        entry: ({ context, system }) =>
          runtimeOf(system).record({ kind: 'mark', name: 'leader.elected', epoch: context.epoch }),
        invoke: {
          src: 'loadBoard',
          input: ({ context }) => ({ epoch: context.epoch }),
          onDone: {
            target: 'leading',
            actions: assign({
              plan: ({ context, event }) => {
                const state = event.output;
                for (const w of context.suspected) applySuspect(state, w);
                return state;
              },
            }),
          },
          onError: 'standby',
        },
        on: { 'lease.lost': 'standby' },
      },
      leading: {
        entry: 'dispatch',
        always: { guard: 'settled', target: 'finished' },
        invoke: { src: 'ticker' },
        on: {
          tick: { actions: 'dispatch' },
          'task.done': {
            actions: enqueueActions(({ context, event, enqueue, system }) => {
              const state = context.plan!;
              const sends = applyDone(
                state,
                event.envelope.from,
                event.body,
                options(context.epoch),
              );
              sends.push(...plan(state, options(context.epoch)));
              enqueue.assign({ plan: state });
              enqueue(() => sendAll(system, sends, state));
            }),
          },
          'vote.cast': {
            actions: enqueueActions(({ context, event, enqueue, system }) => {
              const state = context.plan!;
              applyVote(state, event.envelope.from, event.body, options(context.epoch));
              const approved = state.marks
                .filter((m) => m.name === 'vote.decided' && m.data['outcome'] === 'approve')
                .map((m) => m.data['taskId'] as string);
              const sends = plan(state, options(context.epoch));
              enqueue.assign({ plan: state });
              enqueue(() => sendAll(system, sends, state));
              for (const taskId of approved) enqueue(() => persistApproval(system, taskId));
            }),
          },
          'worker.suspected': {
            actions: enqueueActions(({ context, event, enqueue, system }) => {
              const state = context.plan!;
              applySuspect(state, event.worker);
              const sends = plan(state, options(context.epoch));
              enqueue.assign({
                plan: state,
                suspected: [...new Set([...context.suspected, event.worker])],
              });
              enqueue(() =>
                runtimeOf(system).record({
                  kind: 'mark',
                  name: 'worker.suspected',
                  worker: event.worker,
                }),
              );
              if (sends.length > 0) enqueue(() => sendAll(system, sends));
            }),
          },
          // An assignment or review request whose publish kept failing (a broker outage longer
          // than the publish retry budget) never reached its worker: give the work out again
          // instead of waiting for a report that cannot come.
          'send.failed': {
            guard: ({ event }) =>
              event.messageType === 'task.assign' || event.messageType === 'task.review',
            actions: enqueueActions(({ context, event, enqueue, system }) => {
              const state = context.plan!;
              // What the lost message gave its worker, from its body.
              const worker = event.to;
              const { taskId, backup } = event.body as { taskId: string; backup?: boolean };
              const review = event.messageType === 'task.review';
              const held = review ? `review:${taskId}` : taskId;
              const copy = review ? 'review' : backup ? 'backup' : 'owner';
              if (!applyUndelivered(state, worker, held)) return;
              const sends = plan(state, options(context.epoch));
              enqueue.assign({ plan: state });
              enqueue(() =>
                runtimeOf(system).record({
                  kind: 'mark',
                  name: 'assign.undelivered',
                  worker,
                  held,
                  copy,
                  msgId: event.msgId,
                  messageType: event.messageType,
                }),
              );
              enqueue(() => sendAll(system, sends, state));
            }),
          },
          'worker.recovered': {
            actions: enqueueActions(({ context, event, enqueue }) => {
              const state = context.plan!;
              applyRecover(state, event.worker);
              enqueue.assign({
                plan: state,
                suspected: context.suspected.filter((w) => w !== event.worker),
              });
              enqueue('dispatch');
            }),
          },
          'lease.lost': {
            target: 'standby',
            actions: ({ event, system }) =>
              runtimeOf(system).record({ kind: 'mark', name: 'leader.lost', reason: event.reason }),
          },
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
          ({ context, system }) => {
            runtimeOf(system).broadcast('team', 'run.done', { status: context.outcome });
          },
        ],
        type: 'final',
      },
      stopped: { type: 'final' },
    },
  });
}
