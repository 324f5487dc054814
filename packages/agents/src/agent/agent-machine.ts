import { assign, fromCallback, fromPromise, setup } from 'xstate';
import {
  runtimeOf,
  systemClock,
  type MessageEvent,
  type SendFailedEvent,
} from '@llm-teams/runtime';
import {
  assistantMessageOf,
  invalidToolCallMessages,
  estimateInputTokens,
  isModelError,
  type ModelMessage,
  type ModelRequest,
  type ModelResponse,
  type ToolCall,
} from '../models/index.js';
import { readyTasks } from '../shared/task-board.js';
import type { ToolSession } from '../tools/tool-executor.js';
import {
  CONTINUE_NUDGE,
  reviewBriefing,
  reviewTools,
  systemPrompt,
  taskBriefing,
  workTools,
} from './agent-prompt.js';
import type { AgentServices } from './agent-services.js';

/** Message bodies an agent understands. */
export interface TaskAssignBody {
  taskId: string;
  /** A backup copy of a straggling task: first to finish wins. */
  backup: boolean;
  /** The coordinator's lease epoch (fencing token). */
  epoch: number;
  /** Model time at which the assignment was made. */
  modelTime: number;
  /** Its last result was voted down: start over although the board says done. */
  redo?: boolean;
}
export interface TaskCancelBody {
  taskId: string;
  reason: string;
}
export interface TaskDoneBody {
  taskId: string;
  ok: boolean;
  modelTime: number;
  backup: boolean;
  reason?: string;
}
export interface PeerMessageBody {
  text: string;
  taskId?: string;
}

export type AgentEvent =
  | MessageEvent<'task.assign', TaskAssignBody>
  | MessageEvent<'task.cancel', TaskCancelBody>
  | MessageEvent<'task.done', TaskDoneBody>
  | MessageEvent<'peer.msg', PeerMessageBody>
  | MessageEvent<'task.review', ReviewJob & { epoch: number; modelTime: number }>
  | MessageEvent<'run.done', { status: string }>
  | SendFailedEvent
  | { type: 'run.stop' };

export interface Assignment {
  taskId: string;
  backup: boolean;
  epoch: number;
  redo?: boolean;
}

/** A request to review a teammate's completed task and vote on it. */
export interface ReviewJob {
  taskId: string;
  voteId: string;
}

export interface AgentContext {
  agentId: string;
  assignment: Assignment | undefined;
  /** Assignments that arrived while busy, in order (centralized). */
  queue: Assignment[];
  /** Reviews asked of this agent, in order (verification quorum). */
  reviews: ReviewJob[];
  messages: ModelMessage[];
  session: ToolSession;
  turns: number;
  nudged: boolean;
  pending: ToolCall[];
  modelFailures: number;
  /** This agent's model clock (ms): model latency and tool time it has spent, advanced to the
   *  model time of the messages that started its work. */
  modelNow: number;
  inbox: { from: string; text: string }[];
  completed: string[];
  lastError: string | undefined;
}

type ClaimOutcome =
  { kind: 'claimed'; taskId: string; backup: boolean } | { kind: 'wait' } | { kind: 'finished' };
type PrepareOutcome = { skip: string } | { briefing: ModelMessage; modelTime: number };
interface ActOutcome {
  results: ModelMessage[];
  completed: boolean;
  /** Another copy completed the task first: this one stops. */
  lost: boolean;
  durationMs: number;
}

/** Waits until real time catches up with `modelNow` (see AgentServices.timeScale). */
async function pace(s: AgentServices, modelNow: number, signal?: AbortSignal): Promise<void> {
  const wait = s.runStartMs + modelNow * s.timeScale - s.now();
  if (wait <= 1 || signal?.aborted) return;
  const clock = s.clock ?? systemClock;
  await new Promise<void>((resolve) => {
    const timer = clock.setTimeout(resolve, wait);
    signal?.addEventListener('abort', () => {
      clock.clearTimeout(timer);
      resolve();
    });
  });
}

const emptySession = (modelNow = 0): ToolSession => ({
  taskId: undefined,
  revs: {},
  testsPassedFor: undefined,
  modelNow,
});

/** The agent statechart. Every wait has a timeout; model failures, tool errors and
 *  cancellations are states; states that hold work are tagged `busy`, so an at-least-once
 *  assignment is acknowledged only when its task is finished. */
export function createAgentMachine(services: AgentServices) {
  const s = services;
  const selfClaiming = s.arch !== 'centralized';
  const tools = workTools(s.arch);

  return setup({
    types: {
      context: {} as AgentContext,
      events: {} as AgentEvent,
      input: {} as { agentId: string },
    },
    actors: {
      claimNext: fromPromise<ClaimOutcome, { modelNow: number }>(async () => {
        const board = await s.board.all();
        if ([...board.values()].every((v) => v.entry.status === 'done'))
          return { kind: 'finished' };
        const ready = readyTasks(board).sort(
          (a, b) =>
            (s.priority.get(b.id) ?? 0) - (s.priority.get(a.id) ?? 0) || s.random.next() - 0.5,
        );
        for (const entry of ready) {
          const now = s.now();
          const out = await s.board.update(entry.id, (e) =>
            e.status === 'open'
              ? {
                  ...e,
                  status: 'claimed',
                  owner: s.agentId,
                  claimedAt: now,
                  leaseUntil: now + s.limits.leaseMs,
                  claims: e.claims + 1,
                }
              : `${e.id} is ${e.status}${e.owner ? ` by ${e.owner}` : ''}`,
          );
          s.record({
            kind: 'tool',
            name: 'board.claim',
            outcome: out.ok ? 'ok' : 'refused',
            taskId: entry.id,
            ...(out.ok ? { kvWrite: `board/task.${entry.id}@${out.rev}` } : {}),
          });
          if (out.ok) return { kind: 'claimed', taskId: entry.id, backup: false };
        }
        if (s.limits.stealAfterMs > 0) {
          const now = s.now();
          for (const { entry } of board.values()) {
            if (entry.status !== 'claimed' || entry.owner === s.agentId || entry.backup) continue;
            const expired = (entry.leaseUntil ?? 0) < now;
            const slow = now - (entry.claimedAt ?? now) > s.limits.stealAfterMs;
            if (!expired && !slow) continue;
            const out = await s.board.update(entry.id, (e) =>
              e.status === 'claimed' && !e.backup
                ? expired
                  ? {
                      ...e,
                      owner: s.agentId,
                      claimedAt: now,
                      leaseUntil: now + s.limits.leaseMs,
                      claims: e.claims + 1,
                    }
                  : { ...e, backup: s.agentId, claims: e.claims + 1 }
                : `${e.id} changed`,
            );
            s.record({
              kind: 'tool',
              name: expired ? 'board.takeover' : 'board.steal',
              outcome: out.ok ? 'ok' : 'refused',
              taskId: entry.id,
            });
            if (out.ok) return { kind: 'claimed', taskId: entry.id, backup: !expired };
          }
        }
        return { kind: 'wait' };
      }),
      prepare: fromPromise<
        PrepareOutcome,
        { assignment: Assignment; modelNow: number; inbox: AgentContext['inbox'] }
      >(async ({ input }) => {
        const { taskId, backup } = input.assignment;
        const task = s.tasks.get(taskId);
        if (!task) return { skip: `unknown task ${taskId}` };
        const cur = await s.board.get(taskId);
        if (!cur) return { skip: `${taskId} is not on the board` };
        if (cur.entry.status === 'done' && !input.assignment.redo)
          return { skip: `${taskId} is already done by ${cur.entry.owner ?? '?'}` };
        const deps = await Promise.all(task.deps.map((d) => s.board.get(d)));
        const notDone = task.deps.filter((_, i) => deps[i]?.entry.status !== 'done');
        if (notDone.length > 0) return { skip: `${taskId} waits for ${notDone.join(', ')}` };
        let modelTime = input.modelNow;
        for (const d of deps) modelTime = Math.max(modelTime, d?.entry.doneAtModel ?? 0);
        s.record({
          kind: 'tool',
          name: 'board.read',
          outcome: 'deps-done',
          taskId,
          kvReads: deps.map((d, i) => `board/task.${task.deps[i]}@${d?.rev ?? 0}`),
        });
        if (!selfClaiming) {
          // Centralized: the worker records its assignment on the board (owner, or backup).
          const now = s.now();
          const out = await s.board.update(taskId, (e) => {
            if (e.status === 'done' && !input.assignment.redo) return `${taskId} is already done`;
            if (backup) return { ...e, backup: s.agentId, claims: e.claims + 1 };
            return {
              ...e,
              status: 'claimed',
              owner: s.agentId,
              claimedAt: now,
              claims: e.claims + 1,
              epoch: input.assignment.epoch,
            };
          });
          if (!out.ok) return { skip: out.reason };
        }
        const files = (
          await Promise.all(
            task.deps.flatMap((d) => s.tasks.get(d)?.files ?? []).map((p) => s.workspace.read(p)),
          )
        ).filter((f) => f !== undefined);
        return {
          briefing: taskBriefing(
            task,
            files,
            input.inbox,
            backup
              ? "This is a backup copy of a slow teammate's task: finish it if you can."
              : undefined,
          ),
          modelTime,
        };
      }),
      callModel: fromPromise<
        ModelResponse,
        { messages: ModelMessage[]; taskId: string; turn: number; modelNow: number }
      >(async ({ input, signal }) => {
        const request: ModelRequest = {
          system: systemPrompt(s.agentId, s.arch, s.teammates),
          messages: input.messages,
          tools,
          metadata: { agentId: s.agentId, taskId: input.taskId, purpose: 'code', turn: input.turn },
        };
        // What the agent actually sends, whatever the model reports: context discipline is
        // measured on this (it must not grow with the team).
        s.record({
          kind: 'mark',
          name: 'model.context',
          taskId: input.taskId,
          turn: input.turn,
          promptTokens: estimateInputTokens(request),
          messages: input.messages.length,
        });
        const response = await s.model.call(request, { signal });
        await pace(s, input.modelNow + response.latencyMs, signal);
        return response;
      }),
      act: fromPromise<ActOutcome, { calls: ToolCall[]; session: ToolSession; taskId: string }>(
        async ({ input }) => {
          const results: ModelMessage[] = [];
          let completed = false;
          let lost = false;
          let durationMs = 0;
          for (const call of input.calls) {
            const { result, effects } = await s.executor.execute(call, input.session);
            durationMs += effects.durationMs;
            input.session.modelNow += effects.durationMs;
            results.push({
              role: 'tool',
              toolCallId: call.id,
              name: call.name,
              content: result.content,
              isError: result.isError,
            });
            if (effects.completed === input.taskId) completed = true;
            if (effects.lostTo === input.taskId) lost = true;
          }
          await pace(s, input.session.modelNow);
          return { results, completed, lost, durationMs };
        },
      ),
      review: fromPromise<
        { value: 'approve' | 'reject'; reason: string; modelNow: number },
        { job: ReviewJob; modelNow: number }
      >(async ({ input, signal }) => {
        const task = s.tasks.get(input.job.taskId);
        if (!task)
          return {
            value: 'reject',
            reason: `unknown task ${input.job.taskId}`,
            modelNow: input.modelNow,
          };
        const session: ToolSession = { ...emptySession(input.modelNow), taskId: task.id };
        const messages: ModelMessage[] = [reviewBriefing(task)];
        for (let turn = 0; turn < 6; turn++) {
          const r = await s.model.call(
            {
              system: systemPrompt(s.agentId, s.arch, s.teammates),
              messages,
              tools: reviewTools(),
              metadata: { agentId: s.agentId, taskId: task.id, purpose: 'review', turn },
            },
            { signal },
          );
          session.modelNow += r.latencyMs;
          messages.push(assistantMessageOf(r), ...invalidToolCallMessages(r));
          if (r.toolCalls.length === 0 && r.invalidToolCalls.length === 0) {
            await pace(s, session.modelNow, signal);
            return {
              value: /^\s*APPROVE\b/i.test(r.text) ? 'approve' : 'reject',
              reason: r.text.slice(0, 300),
              modelNow: session.modelNow,
            };
          }
          for (const call of r.toolCalls) {
            const { result, effects } = await s.executor.execute(call, session);
            session.modelNow += effects.durationMs;
            messages.push({
              role: 'tool',
              toolCallId: call.id,
              name: call.name,
              content: result.content,
              isError: result.isError,
            });
          }
          await pace(s, session.modelNow, signal);
        }
        return { value: 'reject', reason: 'no verdict within 6 turns', modelNow: session.modelNow };
      }),
      leaseRenewer: fromCallback<{ type: 'noop' }, { taskId: string; backup: boolean }>(
        ({ input }) => {
          // Only an owner's claim has a lease; a backup copy holds none.
          if (!selfClaiming || input.backup) return () => undefined;
          const clock = s.clock ?? systemClock;
          let stopped = false;
          let timer: unknown;
          const renew = () => {
            if (stopped) return;
            const now = s.now();
            s.board
              .update(input.taskId, (e) =>
                e.status === 'claimed' && e.owner === s.agentId
                  ? { ...e, leaseUntil: now + s.limits.leaseMs }
                  : 'not ours',
              )
              .catch(() => undefined)
              .finally(() => {
                if (!stopped) timer = clock.setTimeout(renew, s.limits.leaseMs / 3);
              });
          };
          timer = clock.setTimeout(renew, s.limits.leaseMs / 3);
          return () => {
            stopped = true;
            clock.clearTimeout(timer);
          };
        },
      ),
      release: fromPromise<
        void,
        { taskId: string; backup: boolean; reason: string; failed: boolean }
      >(async ({ input }) => {
        await s.board.update(
          input.taskId,
          (e) => {
            if (e.status === 'done') return 'already done';
            if (input.backup)
              return e.backup === s.agentId ? { ...e, backup: undefined } : 'not our backup';
            if (e.owner !== s.agentId) return 'not ours';
            return {
              ...e,
              status: input.failed && e.claims >= 3 ? 'failed' : 'open',
              owner: undefined,
              leaseUntil: undefined,
              reason: input.reason,
            };
          },
          3,
        );
      }),
    },
    guards: {
      selfClaiming: () => selfClaiming,
      hasQueued: ({ context }) => context.queue.length > 0,
      turnsLeft: ({ context }) => context.turns < s.limits.maxTurns,
      canRetryModel: ({ context }) => context.modelFailures < s.limits.maxModelFailures,
    },
    delays: {
      poll: () => s.limits.pollMs,
      modelTurn: () => s.limits.modelTurnTimeoutMs,
      toolTurn: () => s.limits.toolTimeoutMs,
      modelBackoff: ({ context }) => 100 * 2 ** context.modelFailures,
    },
    actions: {
      enqueue: assign({
        queue: ({ context, event }) => {
          const body = (event as MessageEvent<'task.assign', TaskAssignBody>).body;
          if (
            context.assignment?.taskId === body.taskId ||
            context.queue.some((a) => a.taskId === body.taskId)
          )
            return context.queue;
          return [
            ...context.queue,
            {
              taskId: body.taskId,
              backup: body.backup,
              epoch: body.epoch,
              ...(body.redo ? { redo: true } : {}),
            },
          ];
        },
        modelNow: ({ context, event }) =>
          Math.max(
            context.modelNow,
            (event as MessageEvent<'task.assign', TaskAssignBody>).body.modelTime,
          ),
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
      recordTask: (
        { context, system },
        params: { phase: 'claim' | 'start' | 'done' | 'release' | 'fail'; reason?: string },
      ) => {
        if (!context.assignment) return;
        runtimeOf(system).record({
          kind: 'task',
          taskId: context.assignment.taskId,
          phase: params.phase,
          modelTime: context.modelNow,
          ...(context.assignment.backup ? { backup: true } : {}),
          ...(params.reason ? { reason: params.reason } : {}),
        });
      },
    },
  }).createMachine({
    id: 'agent',
    context: ({ input }) => ({
      agentId: input.agentId,
      assignment: undefined,
      queue: [],
      reviews: [],
      messages: [],
      session: emptySession(),
      turns: 0,
      nudged: false,
      pending: [],
      modelFailures: 0,
      modelNow: 0,
      inbox: [],
      completed: [],
      lastError: undefined,
    }),
    initial: 'idle',
    on: {
      'peer.msg': { actions: 'keepMessage' },
      'task.assign': { actions: 'enqueue' },
      'task.review': {
        actions: assign({
          reviews: ({ context, event }) =>
            context.reviews.some((r) => r.voteId === event.body.voteId)
              ? context.reviews
              : [...context.reviews, { taskId: event.body.taskId, voteId: event.body.voteId }],
          modelNow: ({ context, event }) => Math.max(context.modelNow, event.body.modelTime),
        }),
      },
      // A report (task done or failed, a vote) whose publish kept failing — a broker outage
      // longer than the retry budget — is sent again: the coordinator acts on nothing else, and
      // waiting for a backup copy of work already done wastes the run's time.
      'send.failed': {
        guard: ({ event }) =>
          (event.messageType === 'task.done' || event.messageType === 'vote.cast') &&
          s.coordinators.includes(event.to),
        actions: ({ event, system }) => {
          const rt = runtimeOf(system);
          rt.record({
            kind: 'mark',
            name: 'report.resent',
            to: event.to,
            messageType: event.messageType,
            failedMsgId: event.msgId,
          });
          rt.tell(event.to, event.messageType, event.body);
        },
      },
      'run.done': '.stopped',
      'run.stop': '.stopped',
    },
    states: {
      idle: {
        always: [
          { guard: ({ context }) => context.reviews.length > 0, target: 'reviewing' },
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
                    const o = event.output as Extract<ClaimOutcome, { kind: 'claimed' }>;
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
            guard: ({ context, event }) => event.body.taskId === context.assignment?.taskId,
            target: 'cancelled',
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
                  actions: [
                    ({ context, event, system }) => {
                      const a = context.assignment!;
                      const reason = (event.output as { skip: string }).skip;
                      const rt = runtimeOf(system);
                      rt.record({
                        kind: 'task',
                        taskId: a.taskId,
                        phase: 'release',
                        reason,
                        modelTime: context.modelNow,
                      });
                      // The coordinator counts this worker busy with the task until it hears back.
                      const body: TaskDoneBody = {
                        taskId: a.taskId,
                        ok: false,
                        modelTime: context.modelNow,
                        backup: a.backup,
                        reason: `skipped: ${reason}`,
                      };
                      for (const c of s.coordinators) rt.tell(c, 'task.done', body);
                    },
                    assign({ assignment: undefined }),
                  ],
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
              onError: {
                target: '#agent.releasing',
                actions: assign({ lastError: ({ event }) => String(event.error) }),
              },
            },
            after: {
              toolTurn: {
                target: '#agent.releasing',
                actions: assign({ lastError: 'preparing timed out' }),
              },
            },
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
            on: {
              'task.cancel': {
                guard: ({ context, event }) => event.body.taskId === context.assignment?.taskId,
                target: '#agent.cancelled',
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
                {
                  guard: ({ event }) => event.output.lost,
                  target: '#agent.cancelled',
                },
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
                  actions: assign(({ context, event }) => {
                    const idle =
                      event.output.results.length === 0 &&
                      context.messages.at(-1)?.role === 'assistant';
                    return {
                      messages: [
                        ...context.messages,
                        ...event.output.results,
                        ...(idle ? [CONTINUE_NUDGE] : []),
                      ],
                      modelNow: context.modelNow + event.output.durationMs,
                      session: {
                        ...context.session,
                        modelNow: context.modelNow + event.output.durationMs,
                      },
                      nudged: idle || context.nudged,
                    };
                  }),
                },
                { target: '#agent.releasing', actions: assign({ lastError: 'out of turns' }) },
              ],
              onError: {
                target: '#agent.releasing',
                actions: assign({ lastError: ({ event }) => String(event.error) }),
              },
            },
            after: {
              toolTurn: {
                target: '#agent.releasing',
                actions: assign({ lastError: 'tools timed out' }),
              },
            },
            on: {
              'task.cancel': {
                guard: ({ context, event }) => event.body.taskId === context.assignment?.taskId,
                target: '#agent.cancelled',
              },
            },
          },
          modelFailed: {
            always: {
              guard: ({ context }) => context.modelFailures > s.limits.maxModelFailures,
              target: '#agent.releasing',
            },
            after: { modelBackoff: 'thinking' },
            on: {
              'task.cancel': {
                guard: ({ context, event }) => event.body.taskId === context.assignment?.taskId,
                target: '#agent.cancelled',
              },
            },
          },
        },
      },
      reporting: {
        tags: ['busy'],
        entry: [
          { type: 'recordTask', params: { phase: 'done' } },
          ({ context, system }) => {
            const rt = runtimeOf(system);
            const a = context.assignment!;
            const body: TaskDoneBody = {
              taskId: a.taskId,
              ok: true,
              modelTime: context.modelNow,
              backup: a.backup,
            };
            for (const c of s.coordinators) rt.tell(c, 'task.done', body);
            if (selfClaiming && s.teammates.length > 0) rt.broadcast('team', 'task.done', body);
          },
          assign({ assignment: undefined }),
        ],
        always: 'idle',
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
          }),
          onDone: { target: 'idle', actions: assign({ assignment: undefined }) },
          onError: { target: 'idle', actions: assign({ assignment: undefined }) },
        },
        after: { toolTurn: { target: 'idle', actions: assign({ assignment: undefined }) } },
      },
      releasing: {
        tags: ['busy'],
        entry: [
          ({ context, system }) => {
            const a = context.assignment!;
            runtimeOf(system).record({
              kind: 'task',
              taskId: a.taskId,
              phase: 'fail',
              reason: context.lastError ?? 'gave up',
              modelTime: context.modelNow,
            });
            const body: TaskDoneBody = {
              taskId: a.taskId,
              ok: false,
              modelTime: context.modelNow,
              backup: a.backup,
              reason: context.lastError ?? 'gave up',
            };
            for (const c of s.coordinators) runtimeOf(system).tell(c, 'task.done', body);
          },
        ],
        invoke: {
          src: 'release',
          input: ({ context }) => ({
            taskId: context.assignment!.taskId,
            backup: context.assignment!.backup,
            reason: context.lastError ?? 'gave up',
            failed: true,
          }),
          onDone: { target: 'idle', actions: assign({ assignment: undefined }) },
          onError: { target: 'idle', actions: assign({ assignment: undefined }) },
        },
        after: { toolTurn: { target: 'idle', actions: assign({ assignment: undefined }) } },
      },
      reviewing: {
        tags: ['busy'],
        invoke: {
          src: 'review',
          input: ({ context }) => ({ job: context.reviews[0]!, modelNow: context.modelNow }),
          onDone: {
            target: 'idle',
            actions: [
              ({ context, event, system }) => {
                const job = context.reviews[0]!;
                const rt = runtimeOf(system);
                const body = {
                  taskId: job.taskId,
                  voteId: job.voteId,
                  value: event.output.value,
                  reason: event.output.reason,
                  modelTime: event.output.modelNow,
                };
                rt.record({
                  kind: 'mark',
                  name: 'vote.cast',
                  voteId: job.voteId,
                  taskId: job.taskId,
                  value: event.output.value,
                });
                for (const c of s.coordinators) rt.tell(c, 'vote.cast', body);
              },
              assign({
                modelNow: ({ context, event }) => Math.max(context.modelNow, event.output.modelNow),
                reviews: ({ context }) => context.reviews.slice(1),
              }),
            ],
          },
          onError: {
            target: 'idle',
            actions: [
              ({ context, event, system }) => {
                const job = context.reviews[0]!;
                const rt = runtimeOf(system);
                const reason = isModelError(event.error) ? event.error.code : String(event.error);
                rt.record({
                  kind: 'mark',
                  name: 'vote.cast',
                  voteId: job.voteId,
                  taskId: job.taskId,
                  value: 'reject',
                  reason,
                });
                for (const c of s.coordinators)
                  rt.tell(c, 'vote.cast', {
                    taskId: job.taskId,
                    voteId: job.voteId,
                    value: 'reject',
                    reason,
                    modelTime: context.modelNow,
                  });
              },
              assign({ reviews: ({ context }) => context.reviews.slice(1) }),
            ],
          },
        },
        after: {
          modelTurn: {
            target: 'idle',
            actions: assign({ reviews: ({ context }) => context.reviews.slice(1) }),
          },
        },
      },
      stopped: { type: 'final' },
    },
  });
}

export type AgentMachine = ReturnType<typeof createAgentMachine>;
