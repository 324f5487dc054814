/**
 * The agent statechart and the machine of the built-in teams.
 * Long file: the chart is one literal of states and transitions (~390 lines), read top to bottom
 * as one; what it invokes is in agent-actors.ts, its actions, guards and delays in agent-logic.ts.
 */
import { assign, fromCallback, fromPromise, setup } from 'xstate';
import type { MessageEvent } from '@llm-teams/runtime';
import {
  assistantMessageOf,
  invalidToolCallMessages,
  isModelError,
  type ModelMessage,
} from '../models/index.js';
import { admitEpoch } from '../protocols/fencing.js';
import type { ClaimNextOutcome } from '../protocols/task-board-protocol.js';
import {
  emptySession,
  initialAgentContext,
  type AgentContext,
  type Assignment,
} from './agent-context.js';
import { agentActors, type ActOutcome, type PrepareOutcome } from './agent-actors.js';
import { agentActions, agentDelays, agentGuards } from './agent-logic.js';
import type { AgentEvent, PeerMessageBody, TaskAssignBody } from './agent-messages.js';
import { CONTINUE_NUDGE } from './agent-prompt.js';
import type { AgentServices } from './agent-services.js';
import { provideImplementations } from './provide-implementations.js';

type Actors = ReturnType<typeof agentActors>;
type Phase = 'claim' | 'start' | 'done' | 'release' | 'fail';

const notProvided = (what: string) => () => {
  throw new Error(`agent chart: ${what} is provided by createAgentMachine(services)`);
};
const promiseStub = <K extends keyof Actors>(what: K) =>
  fromPromise(() =>
    Promise.reject(new Error(`agent chart: ${what} is not provided`)),
  ) as unknown as Actors[K];

/** A step that fails gives the task up, with the error as why. */
const releaseOnError = { target: '#agent.releasing', actions: 'noteError' } as const;
/** A step that outlasts a tool turn gives the task up, with `reason` as why. */
const releaseAfterToolTurn = (reason: string) =>
  ({
    toolTurn: {
      target: '#agent.releasing',
      actions: { type: 'noteReason', params: { reason } },
    },
  }) as const;

/**
 * The agent statechart, as data: states, transitions and context updates. What it does to the
 * world — protocol steps, model calls, tools, reports — is named here and provided by
 * `createAgentMachine` (or by a test, with `agentChart.provide`). Every wait has a timeout;
 * model failures, tool errors and cancellations are states; states that hold work are tagged
 * `busy`, so an at-least-once assignment is acknowledged only when its task is finished.
 */
export const agentChart = setup({
  types: {
    context: {} as AgentContext,
    events: {} as AgentEvent,
    input: {} as { agentId: string },
  },
  actors: {
    claimNext: promiseStub('claimNext'),
    prepare: promiseStub('prepare'),
    callModel: promiseStub('callModel'),
    act: promiseStub('act'),
    review: promiseStub('review'),
    leaseRenewer: fromCallback(() => undefined) as unknown as Actors['leaseRenewer'],
    release: promiseStub('release'),
  },
  guards: {
    selfClaiming: () => false,
    turnsLeft: () => false,
    modelGaveUp: () => true,
    staleCommand: ({ context, event }) =>
      'envelope' in event &&
      admitEpoch(context.leaderEpoch, (event.body as { epoch?: number }).epoch).kind === 'stale',
    hasQueued: ({ context }) => context.queue.length > 0,
    hasReviews: ({ context }) => context.reviews.length > 0,
    /** A cancellation of the task being worked, from a leader not deposed. */
    cancelsCurrent: ({ context, event }) =>
      event.type === 'task.cancel' &&
      event.body.taskId === context.assignment?.taskId &&
      admitEpoch(context.leaderEpoch, event.body.epoch).kind === 'admitted',
  },
  delays: { poll: 50, modelTurn: 600_000, toolTurn: 120_000, modelBackoff: 100 },
  actions: {
    /** Why the task is given up: the error a step failed with. */
    noteError: assign({
      lastError: ({ event }) => String((event as unknown as { error: unknown }).error),
    }),
    /** Why the task is given up, when the chart says (a timeout). */
    noteReason: assign((_, params: { reason: string }) => ({ lastError: params.reason })),
    recordTask: (_, _params: { phase: Phase; reason?: string }) => undefined,
    reportSkip: notProvided('reportSkip'),
    reportDone: notProvided('reportDone'),
    reportFailure: notProvided('reportFailure'),
    sendVote: notProvided('sendVote'),
    sendRejectVote: notProvided('sendRejectVote'),
    resendReport: notProvided('resendReport'),
    refuseStale: notProvided('refuseStale'),
    reportStaleCancel: notProvided('reportStaleCancel'),
    /** Fencing: the highest leader epoch seen rises with each admitted command. */
    admitEpoch: assign({
      leaderEpoch: ({ context, event }) =>
        'envelope' in event
          ? admitEpoch(context.leaderEpoch, (event.body as { epoch?: number }).epoch).epoch
          : context.leaderEpoch,
    }),
    enqueue: assign({
      queue: ({ context, event }) => {
        const body = (event as MessageEvent<'task.assign', TaskAssignBody>).body;
        if (
          context.assignment?.taskId === body.taskId ||
          context.queue.some((a) => a.taskId === body.taskId)
        )
          return context.queue;
        const next: Assignment = {
          taskId: body.taskId,
          backup: body.backup,
          epoch: body.epoch,
          ...(body.redo ? { redo: true } : {}),
        };
        return [...context.queue, next];
      },
      modelNow: ({ context, event }) =>
        Math.max(
          context.modelNow,
          (event as MessageEvent<'task.assign', TaskAssignBody>).body.modelTime,
        ),
    }),
    enqueueReview: assign(({ context, event }) => {
      if (event.type !== 'task.review') return {};
      return {
        reviews: context.reviews.some((r) => r.voteId === event.body.voteId)
          ? context.reviews
          : [...context.reviews, { taskId: event.body.taskId, voteId: event.body.voteId }],
        modelNow: Math.max(context.modelNow, event.body.modelTime),
      };
    }),
    takeQueued: assign({
      assignment: ({ context }) => context.queue[0],
      queue: ({ context }) => context.queue.slice(1),
    }),
    keepMessage: assign({
      inbox: ({ context, event }) => {
        const e = event as MessageEvent<'peer.msg', PeerMessageBody>;
        return [...context.inbox, { from: e.envelope.from, text: e.body.text }].slice(-5);
      },
    }),
    clearAssignment: assign({ assignment: undefined }),
    dropReview: assign({ reviews: ({ context }) => context.reviews.slice(1) }),
  },
}).createMachine({
  id: 'agent',
  context: ({ input }) => initialAgentContext(input.agentId),
  initial: 'idle',
  on: {
    'peer.msg': { actions: 'keepMessage' },
    'task.assign': [
      { guard: 'staleCommand', actions: 'refuseStale' },
      { actions: ['admitEpoch', 'enqueue'] },
    ],
    'task.review': [
      { guard: 'staleCommand', actions: 'refuseStale' },
      { actions: ['admitEpoch', 'enqueueReview'] },
    ],
    // Reached only when no state took it: a cancellation from a deposed leader is refused;
    // one for a task this agent is not working on changes nothing.
    'task.cancel': { guard: 'staleCommand', actions: 'refuseStale' },
    'send.failed': {
      guard: ({ event }) => event.messageType === 'task.done' || event.messageType === 'vote.cast',
      actions: 'resendReport',
    },
    'run.done': [{ guard: 'staleCommand', actions: 'refuseStale' }, { target: '.stopped' }],
    'run.stop': '.stopped',
  },
  states: {
    idle: {
      always: [
        { guard: 'hasReviews', target: 'reviewing' },
        { guard: 'hasQueued', target: 'working', actions: 'takeQueued' },
      ],
      after: { poll: { guard: 'selfClaiming', target: 'claiming' } },
      on: { 'task.done': { guard: 'selfClaiming', target: 'claiming' } },
    },
    claiming: {
      invoke: {
        src: 'claimNext',
        input: ({ context }) => ({ modelNow: context.modelNow }),
        onDone: [
          {
            guard: ({ event }) => event.output.kind === 'claimed',
            target: 'working',
            actions: [
              assign({
                assignment: ({ event }) => {
                  const o = event.output as Extract<ClaimNextOutcome, { kind: 'claimed' }>;
                  return { taskId: o.taskId, backup: o.backup, epoch: 0 };
                },
              }),
              { type: 'recordTask', params: { phase: 'claim' } },
            ],
          },
          { guard: ({ event }) => event.output.kind === 'finished', target: 'stopped' },
          { target: 'idle' },
        ],
        onError: {
          target: 'idle',
          actions: assign({ lastError: ({ event }) => String(event.error) }),
        },
      },
      after: { toolTurn: 'idle' },
    },
    working: {
      tags: ['busy'],
      initial: 'preparing',
      invoke: {
        src: 'leaseRenewer',
        input: ({ context }) => ({
          taskId: context.assignment!.taskId,
          backup: context.assignment!.backup,
        }),
      },
      on: {
        'task.cancel': {
          guard: 'cancelsCurrent',
          target: 'cancelled',
          actions: [
            'admitEpoch',
            assign({
              cancelledBy: ({ event }) =>
                event.type === 'task.cancel'
                  ? { epoch: event.body.epoch, msgId: event.envelope.id, from: event.envelope.from }
                  : undefined,
            }),
          ],
        },
      },
      states: {
        preparing: {
          entry: [
            assign({ turns: 0, nudged: false, modelFailures: 0, pending: [], messages: [] }),
            { type: 'recordTask', params: { phase: 'claim' } },
          ],
          invoke: {
            src: 'prepare',
            input: ({ context }) => ({
              assignment: context.assignment!,
              modelNow: context.modelNow,
              inbox: context.inbox,
            }),
            onDone: [
              {
                guard: ({ event }) => 'skip' in event.output,
                target: '#agent.idle',
                actions: ['reportSkip', 'clearAssignment'],
              },
              {
                target: 'thinking',
                actions: [
                  assign(({ context, event }) => {
                    const o = event.output as Extract<PrepareOutcome, { briefing: ModelMessage }>;
                    const modelNow = Math.max(context.modelNow, o.modelTime);
                    return {
                      modelNow,
                      messages: [o.briefing],
                      inbox: [],
                      session: {
                        ...emptySession(modelNow),
                        taskId: context.assignment!.taskId,
                        ...(context.assignment!.backup ? { overlay: {} } : {}),
                      },
                    };
                  }),
                  { type: 'recordTask', params: { phase: 'start' } },
                ],
              },
            ],
            onError: releaseOnError,
          },
          after: releaseAfterToolTurn('preparing timed out'),
        },
        thinking: {
          invoke: {
            src: 'callModel',
            input: ({ context }) => ({
              messages: context.messages,
              taskId: context.assignment!.taskId,
              turn: context.turns,
              modelNow: context.modelNow,
            }),
            onDone: {
              target: 'acting',
              actions: assign(({ context, event }) => {
                const r = event.output;
                const modelNow = context.modelNow + r.latencyMs;
                return {
                  turns: context.turns + 1,
                  modelFailures: 0,
                  modelNow,
                  session: { ...context.session, modelNow },
                  pending: r.toolCalls,
                  messages: [
                    ...context.messages,
                    assistantMessageOf(r),
                    ...invalidToolCallMessages(r),
                  ],
                };
              }),
            },
            onError: {
              target: 'modelFailed',
              actions: assign({
                modelFailures: ({ context }) => context.modelFailures + 1,
                lastError: ({ event }) =>
                  isModelError(event.error)
                    ? `${event.error.code}: ${event.error.message}`
                    : String(event.error),
              }),
            },
          },
          after: {
            modelTurn: {
              target: 'modelFailed',
              actions: assign({
                modelFailures: ({ context }) => context.modelFailures + 1,
                lastError: 'model turn timed out',
              }),
            },
          },
        },
        acting: {
          invoke: {
            src: 'act',
            input: ({ context }) => ({
              calls: context.pending,
              session: context.session,
              taskId: context.assignment!.taskId,
            }),
            onDone: [
              { guard: ({ event }) => event.output.lost, target: '#agent.cancelled' },
              {
                guard: ({ event }) => event.output.completed,
                target: '#agent.reporting',
                actions: assign(({ context, event }) => ({
                  messages: [...context.messages, ...event.output.results],
                  modelNow: context.modelNow + event.output.durationMs,
                  completed: [...context.completed, context.assignment!.taskId],
                })),
              },
              {
                guard: 'turnsLeft',
                target: 'thinking',
                actions: assign(({ context, event }) => nextTurn(context, event.output)),
              },
              { target: '#agent.releasing', actions: assign({ lastError: 'out of turns' }) },
            ],
            onError: releaseOnError,
          },
          after: releaseAfterToolTurn('tools timed out'),
        },
        modelFailed: {
          always: { guard: 'modelGaveUp', target: '#agent.releasing' },
          after: { modelBackoff: 'thinking' },
        },
      },
    },
    reporting: {
      tags: ['busy'],
      entry: [{ type: 'recordTask', params: { phase: 'done' } }, 'reportDone', 'clearAssignment'],
      // A self-claiming agent looks for its next task at once: its own completion may have
      // made one ready, and no poll tick or teammate's message needs to wake it.
      always: [{ guard: 'selfClaiming', target: 'claiming' }, { target: 'idle' }],
    },
    cancelled: {
      tags: ['busy'],
      entry: { type: 'recordTask', params: { phase: 'release', reason: 'cancelled' } },
      invoke: {
        src: 'release',
        input: ({ context }) => ({
          taskId: context.assignment!.taskId,
          backup: context.assignment!.backup,
          reason: 'cancelled',
          failed: false,
          ...(context.cancelledBy?.epoch !== undefined ? { epoch: context.cancelledBy.epoch } : {}),
        }),
        onDone: {
          target: 'idle',
          actions: ['reportStaleCancel', 'clearAssignment', assign({ cancelledBy: undefined })],
        },
        onError: { target: 'idle', actions: 'clearAssignment' },
      },
      after: { toolTurn: { target: 'idle', actions: 'clearAssignment' } },
    },
    releasing: {
      tags: ['busy'],
      entry: 'reportFailure',
      invoke: {
        src: 'release',
        input: ({ context }) => ({
          taskId: context.assignment!.taskId,
          backup: context.assignment!.backup,
          reason: context.lastError ?? 'gave up',
          failed: true,
        }),
        onDone: { target: 'idle', actions: 'clearAssignment' },
        onError: { target: 'idle', actions: 'clearAssignment' },
      },
      after: { toolTurn: { target: 'idle', actions: 'clearAssignment' } },
    },
    reviewing: {
      tags: ['busy'],
      invoke: {
        src: 'review',
        input: ({ context }) => ({ job: context.reviews[0]!, modelNow: context.modelNow }),
        onDone: {
          target: 'idle',
          actions: [
            'sendVote',
            assign({
              modelNow: ({ context, event }) => Math.max(context.modelNow, event.output.modelNow),
            }),
            'dropReview',
          ],
        },
        onError: { target: 'idle', actions: ['sendRejectVote', 'dropReview'] },
      },
      after: { modelTurn: { target: 'idle', actions: 'dropReview' } },
    },
    stopped: { type: 'final' },
  },
});

/** The context after a tool batch that did not end the task: results appended, one nudge
 *  when the model stopped without calling a tool. */
function nextTurn(context: AgentContext, output: ActOutcome): Partial<AgentContext> {
  const idle = output.results.length === 0 && context.messages.at(-1)?.role === 'assistant';
  const modelNow = context.modelNow + output.durationMs;
  return {
    messages: [...context.messages, ...output.results, ...(idle ? [CONTINUE_NUDGE] : [])],
    modelNow,
    session: { ...context.session, modelNow },
    nudged: idle || context.nudged,
  };
}

/** The agent machine of the built-in teams: the chart with this agent's logic. */
export function createAgentMachine(services: AgentServices) {
  return provideImplementations(agentChart)({
    actors: agentActors(services),
    actions: agentActions(services),
    guards: agentGuards(services),
    delays: agentDelays(services),
  });
}

export type AgentMachine = ReturnType<typeof createAgentMachine>;
export type { AgentContext, Assignment } from './agent-context.js';
export type {
  AgentEvent,
  PeerMessageBody,
  ReviewJob,
  TaskAssignBody,
  TaskCancelBody,
  TaskDoneBody,
} from './agent-messages.js';
