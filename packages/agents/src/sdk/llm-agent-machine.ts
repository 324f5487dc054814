import { assign, fromPromise, setup, type AnyActorLogic } from 'xstate';
import type { MessageEvent, TaskPhase } from '@llm-teams/runtime';
import { AgentsError } from '../agents-error.js';
import {
  assistantMessageOf,
  invalidToolCallMessages,
  type ModelClient,
  type ModelMessage,
} from '../models/index.js';
import { hostBinding } from '../protocols/runtime-binding.js';
import type { ClaimNextOutcome } from '../protocols/task-board-protocol.js';
import { describeRefusal } from '../team-state/task-board.js';
import {
  createToolExecutor,
  type AnyToolHandler,
  type ToolSession,
} from '../tools/tool-executor.js';
import type { Job, JobResult, LlmAgentOptions, Outgoing } from './llm-agent-options.js';
import type { MemberContext } from './team-definition.js';
import { externalStep } from './tool-source.js';

interface LlmContext {
  queue: Job[];
  current: Job | undefined;
  boardFinished: boolean;
  boardDoneQueued: boolean;
  completed: number;
  lastError: string | undefined;
}

type LlmEvent = MessageEvent<string, unknown> | { type: 'run.stop' };

const list = (o: Outgoing | Outgoing[] | undefined): Outgoing[] =>
  o === undefined ? [] : Array.isArray(o) ? o : [o];

/** Runs one job: model turns and tool calls until the model answers without tools. */
async function runJob(
  job: Job,
  agent: {
    ctx: MemberContext;
    model: ModelClient;
    tools: AnyToolHandler[];
    options: LlmAgentOptions;
  },
  send: (to: string, type: string, body: unknown) => void,
  signal: AbortSignal,
): Promise<JobResult> {
  const { ctx, model, options } = agent;
  const taskId = job.kind === 'task' ? job.task.id : undefined;
  const executor = createToolExecutor({
    agentId: ctx.id,
    tasks: new Map(),
    workspace: ctx.workspace,
    board: ctx.board?.board,
    record: (p) => ctx.record(p),
    now: () => ctx.clock.now(),
    message: (to, text, task) => {
      if (to !== 'all' && !ctx.team.members.some((m) => m.id === to))
        return `unknown teammate ${to}; teammates are ${ctx.team.members.map((m) => m.id).join(', ')}`;
      send(to === 'all' ? '#team' : to, 'peer.msg', { text, ...(task ? { taskId: task } : {}) });
      return undefined;
    },
    tools: agent.tools.map((t) => externalStep(t, ctx)),
  });
  const system = typeof options.system === 'function' ? options.system(ctx) : options.system;
  const session: ToolSession = { taskId, revs: {}, testsPassedFor: undefined, modelNow: 0 };
  const messages: ModelMessage[] = [{ role: 'user', content: job.prompt }];
  const maxTurns = options.maxTurns ?? 8;
  for (let turn = 0; turn < maxTurns; turn++) {
    const r = await model.call(
      {
        system,
        messages,
        tools: executor.definitions,
        metadata: {
          agentId: ctx.id,
          ...(taskId ? { taskId } : {}),
          purpose: options.purpose ?? 'code',
          turn,
        },
      },
      { signal },
    );
    messages.push(assistantMessageOf(r), ...invalidToolCallMessages(r));
    if (r.toolCalls.length === 0 && r.invalidToolCalls.length === 0)
      return { job, text: r.text, turns: turn + 1 };
    for (const call of r.toolCalls) {
      const { result } = await executor.execute(call, session);
      const { content, isError } = result;
      messages.push({ role: 'tool', toolCallId: call.id, name: call.name, content, isError });
    }
  }
  throw new AgentsError('TURN_LIMIT', `no answer within ${maxTurns} turns`);
}

/** How a job ended, as the machine sees it (a job never throws). */
type JobOutcome =
  | { kind: 'done'; result: JobResult; refused?: string }
  | { kind: 'failed'; job: Job; error: string };

/** A member starts with its start job, if it has one. */
function initialContext(options: LlmAgentOptions, ctx: MemberContext): LlmContext {
  return {
    queue: options.onStart ? [{ kind: 'start', prompt: options.onStart(ctx) }] : [],
    current: undefined,
    boardFinished: false,
    boardDoneQueued: options.onBoardDone === undefined,
    completed: 0,
    lastError: undefined,
  };
}

/** A job ended: count it if it was done, keep its error if it failed. */
function jobEnded(context: LlmContext, o: JobOutcome): Partial<LlmContext> {
  return {
    current: undefined,
    completed: context.completed + (o.kind === 'done' ? 1 : 0),
    lastError: o.kind === 'failed' ? o.error : context.lastError,
  };
}

/** The next job in arrival order becomes the current one. */
function takeJob(context: LlmContext): Partial<LlmContext> {
  return { current: context.queue[0], queue: context.queue.slice(1) };
}

/** Sends a job's messages: to a member, or broadcast on a `#topic`. */
function dispatch(system: unknown, out: Outgoing[]): void {
  const rt = hostBinding(system as Parameters<typeof hostBinding>[0]);
  for (const m of out)
    if (m.to.startsWith('#')) rt.broadcast(m.to.slice(1), m.type, m.body);
    else rt.tell(m.to, m.type, m.body);
}

/** Each handled message type queues a job. */
function enqueueing(handlers: Record<string, unknown>) {
  return Object.fromEntries(
    Object.keys(handlers).map((type) => [type, { actions: 'enqueueMessage' as const }]),
  );
}

/** What the machine runs with: the member's context, its model and its opened tools. */
interface LlmAgent {
  ctx: MemberContext;
  model: ModelClient;
  tools: AnyToolHandler[];
  closeTools: () => Promise<void>;
}

export function createLlmAgentMachine(options: LlmAgentOptions, agent: LlmAgent): AnyActorLogic {
  const { ctx } = agent;
  const board = ctx.board;
  const order = [...ctx.tasks.keys()];
  const handlers = options.onMessage ?? {};
  const recordTask = (taskId: string, phase: TaskPhase, reason?: string) =>
    ctx.record({ kind: 'task', taskId, phase, ...(reason ? { reason } : {}) });

  /** Runs a job to its end; a task job is completed on the board, or released if it failed. */
  async function work(job: Job, system: unknown, signal: AbortSignal): Promise<JobOutcome> {
    const rt = hostBinding(system as Parameters<typeof hostBinding>[0]);
    const send = (to: string, type: string, body: unknown) =>
      to.startsWith('#') ? rt.broadcast(to.slice(1), type, body) : rt.tell(to, type, body);
    const taskId = job.kind === 'task' ? job.task.id : undefined;
    if (taskId) recordTask(taskId, 'start');
    try {
      const result = await runJob(job, { ...agent, options }, send, signal);
      if (!taskId || !board) return { kind: 'done', result };
      const out = await board.complete(taskId, { modelTime: 0 });
      if (out.ok) recordTask(taskId, 'done');
      else recordTask(taskId, 'release', describeRefusal(taskId, out.refusal));
      return out.ok
        ? { kind: 'done', result }
        : { kind: 'done', result, refused: describeRefusal(taskId, out.refusal) };
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      if (taskId && board) {
        recordTask(taskId, 'fail', error);
        await board
          .release(taskId, { backup: false, failed: true, reason: error })
          .catch(() => undefined);
      }
      return { kind: 'failed', job, error };
    }
  }

  /** A worker claims the next ready task (critical path first); a reducer only waits. */
  const lookAtBoard = async (): Promise<ClaimNextOutcome> => {
    if (!board) return { kind: 'finished' };
    if (!options.onTask) {
      const all = await board.board.all();
      return [...all.values()].every((v) => v.entry.status === 'done')
        ? { kind: 'finished' }
        : { kind: 'wait' };
    }
    return board.claimNext({
      rank: (ready) => ready.sort((a, b) => order.indexOf(a.id) - order.indexOf(b.id)),
      stealAfterMs: 0,
    });
  };

  /** A message of a handled type becomes a job, unless its handler gives no prompt. */
  const queueMessage = (context: LlmContext, event: LlmEvent): Job[] => {
    if (!('envelope' in event)) return context.queue;
    const from = event.envelope.from;
    const prompt = handlers[event.type]?.({ body: event.body, from }, ctx);
    if (prompt === undefined) return context.queue;
    const job: Job = { kind: 'message', prompt, type: event.type, body: event.body, from };
    return [...context.queue, job];
  };

  /** A claimed task becomes a job. */
  const queueTask = (context: LlmContext, taskId: string): Job[] => {
    recordTask(taskId, 'claim');
    const task = ctx.tasks.get(taskId) ?? { id: taskId };
    const job: Job = { kind: 'task', prompt: options.onTask!(task, ctx), task };
    return [...context.queue, job];
  };

  /** The board is done: the reducer's job, once. */
  const queueBoardDone = (context: LlmContext): Partial<LlmContext> => {
    if (context.boardDoneQueued) return { boardFinished: true };
    const prompt = options.onBoardDone!([...ctx.tasks.values()], ctx);
    const job: Job = { kind: 'board-done', prompt };
    return { boardFinished: true, boardDoneQueued: true, queue: [...context.queue, job] };
  };

  /** What a job's end sends: `done`'s messages, or `failed`'s. */
  const sendOutcome = (system: unknown, o: JobOutcome) =>
    dispatch(
      system,
      o.kind === 'done'
        ? list(options.done?.(o.result, ctx))
        : list(options.failed?.({ job: o.job, error: o.error }, ctx)),
    );

  return setup({
    types: { context: {} as LlmContext, events: {} as LlmEvent },
    actors: {
      job: fromPromise<JobOutcome, Job>(({ input, signal, system }) => work(input, system, signal)),
      lookAtBoard: fromPromise<ClaimNextOutcome>(lookAtBoard),
    },
    actions: {
      enqueueMessage: assign({ queue: ({ context, event }) => queueMessage(context, event) }),
    },
    guards: {
      hasJob: ({ context }) => context.queue.length > 0,
      watchesBoard: ({ context }) =>
        board !== undefined &&
        (options.onTask !== undefined || options.onBoardDone !== undefined) &&
        !(context.boardFinished && context.boardDoneQueued),
    },
    delays: { poll: options.pollMs ?? 50 },
  }).createMachine({
    id: 'llm-agent',
    context: initialContext(options, ctx),
    initial: 'idle',
    on: { ...enqueueing(handlers), 'run.done': '.stopped', 'run.stop': '.stopped' },
    states: {
      idle: {
        always: {
          guard: 'hasJob',
          target: 'working',
          actions: assign(({ context }) => takeJob(context)),
        },
        after: { poll: { guard: 'watchesBoard', target: 'claiming' } },
      },
      claiming: {
        invoke: {
          src: 'lookAtBoard',
          onDone: [
            {
              guard: ({ event }) => event.output.kind === 'claimed',
              target: 'idle',
              actions: assign({
                queue: ({ context, event }) =>
                  queueTask(context, (event.output as { taskId: string }).taskId),
              }),
            },
            {
              guard: ({ event }) => event.output.kind === 'finished',
              target: 'idle',
              actions: assign(({ context }) => queueBoardDone(context)),
            },
            { target: 'idle' },
          ],
          onError: {
            target: 'idle',
            actions: assign({ lastError: ({ event }) => String(event.error) }),
          },
        },
      },
      working: {
        tags: ['busy'],
        invoke: {
          src: 'job',
          input: ({ context }) => context.current!,
          onDone: {
            target: 'idle',
            actions: [
              ({ event, system }) => sendOutcome(system, event.output),
              assign(({ context, event }) => jobEnded(context, event.output)),
            ],
          },
        },
      },
      stopped: { type: 'final', entry: () => void agent.closeTools() },
    },
  });
}
