import { assign, fromPromise, setup, type AnyActorLogic } from 'xstate';
import type { MessageEvent, TaskPhase } from '@llm-teams/runtime';
import { AgentsError } from '../agents-error.js';
import {
  assistantMessageOf,
  invalidToolCallMessages,
  type ModelClient,
  type ModelMessage,
  type ModelPurpose,
} from '../models/index.js';
import { hostBinding } from '../protocols/runtime-binding.js';
import type { ClaimNextOutcome } from '../protocols/task-board-protocol.js';
import { describeRefusal } from '../team-state/task-board.js';
import {
  createToolExecutor,
  type AnyToolHandler,
  type ToolSession,
} from '../tools/tool-executor.js';
import { mcpTools, type McpServers } from './mcp-tools.js';
import type { BoardTask, MemberContext, MemberDefinition } from './team-definition.js';
import { externalStep, type ToolSource } from './tool-source.js';

/** What started a job. */
export type Job =
  | { kind: 'start'; prompt: string }
  | { kind: 'message'; prompt: string; type: string; body: unknown; from: string }
  | { kind: 'task'; prompt: string; task: BoardTask }
  | { kind: 'board-done'; prompt: string };

/** How a job ended: the model's last text (it stopped calling tools). */
export interface JobResult {
  job: Job;
  text: string;
  turns: number;
}

/** A message a job sends when it ends. `to`: a member id, `director`, or `#<topic>`. */
export interface Outgoing {
  to: string;
  type: string;
  body?: unknown;
}

export type { ToolSource } from './tool-source.js';

export interface LlmAgentOptions {
  role?: string;
  /** Model id. Default: the team's (or the run's `--model`). */
  model?: string;
  /** The system prompt. */
  system: string | ((ctx: MemberContext) => string);
  /** Tools the model may call: `defineTool(...)`, `builtinTools([...])`. Default none. */
  tools?: AnyToolHandler[] | ((ctx: MemberContext) => AnyToolHandler[]);
  /** More tools, opened at spawn (MCP servers). */
  toolSources?: ToolSource[];
  /** MCP servers whose tools the model may call (as `<server>__<tool>`): a list of
   *  `{ name, command, args?, env?, cwd? }` (stdio) or `{ name, url, headers? }` (streamable
   *  HTTP), each with an optional `tools` allow-list, or the path of a JSON file of them (the
   *  `.mcp.json` form). Relative paths are the team directory's; a stdio server runs there.
   *  Connected when the member is spawned, in the process that hosts it; closed when it stops
   *  or its team closes. Calls are `tool` trace events with `mcpServer` and `mcpTool`. */
  mcp?: McpServers;
  /** Model calls per job before it fails. Default 8. */
  maxTurns?: number;
  /** The purpose reported with each call (`code`, `review`, `coordinate`). Default `code`. */
  purpose?: ModelPurpose;
  /** One job when the run starts: its first prompt. */
  onStart?: (ctx: MemberContext) => string;
  /** A job per message of these types: the prompt, or undefined to ignore the message. */
  onMessage?: Record<
    string,
    (msg: { body: unknown; from: string }, ctx: MemberContext) => string | undefined
  >;
  /** Work the board: claim ready tasks (critical path by declaration order), one job each;
   *  the task is completed on the board when its job ends. */
  onTask?: (task: BoardTask, ctx: MemberContext) => string;
  /** One job once every task of the board is done (a reducer). */
  onBoardDone?: (tasks: BoardTask[], ctx: MemberContext) => string;
  /** What to send when a job ends. Default nothing. */
  done?: (result: JobResult, ctx: MemberContext) => Outgoing | Outgoing[] | undefined;
  /** What to send when a job fails (turn limit, model errors). Default nothing. */
  failed?: (
    failure: { job: Job; error: string },
    ctx: MemberContext,
  ) => Outgoing | Outgoing[] | undefined;
  /** How often an idle board worker looks at the board (real ms). Default 50. */
  pollMs?: number;
  /** Receives broadcasts on these topics. Default `['team']`. */
  topics?: string[];
}

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

/**
 * An LLM agent for the common loop: jobs come from messages, the start, the task board or the
 * board's end; each job is a conversation (system prompt, the job's prompt, model turns and
 * tool calls up to `maxTurns`); when the model answers without calling a tool, `done` says
 * what to send. Jobs run one at a time, in arrival order; a member working a job is `busy`, so
 * an at-least-once message that started it is acknowledged when the job ends.
 */
export function llmAgent(options: LlmAgentOptions): MemberDefinition {
  return {
    ...(options.role !== undefined ? { role: options.role } : {}),
    ...(options.model !== undefined ? { model: options.model } : {}),
    ...(options.topics !== undefined ? { topics: options.topics } : {}),
    logic: async (ctx) => {
      const model = ctx.createModel();
      const tools = [
        ...(typeof options.tools === 'function' ? options.tools(ctx) : (options.tools ?? [])),
      ];
      const sources = [
        ...(options.toolSources ?? []),
        ...(options.mcp ? [mcpTools(options.mcp)] : []),
      ];
      const closers: (() => Promise<void>)[] = [];
      // Closed once: when the member stops (its final state), or with its team.
      let closing: Promise<void> | undefined;
      const closeTools = () =>
        (closing ??= Promise.all(closers.map((c) => c().catch(() => undefined))).then(() => {}));
      try {
        for (const source of sources) {
          const opened = await source(ctx);
          tools.push(...opened.tools);
          if (opened.close) closers.push(opened.close);
        }
      } catch (err) {
        await closeTools();
        throw err;
      }
      if (closers.length > 0) ctx.onClose(closeTools);
      return createLlmAgentMachine(options, { ctx, model, tools, closeTools });
    },
  };
}

/** How a job ended, as the machine sees it (a job never throws). */
type JobOutcome =
  | { kind: 'done'; result: JobResult; refused?: string }
  | { kind: 'failed'; job: Job; error: string };

function createLlmAgentMachine(
  options: LlmAgentOptions,
  agent: {
    ctx: MemberContext;
    model: ModelClient;
    tools: AnyToolHandler[];
    closeTools: () => Promise<void>;
  },
): AnyActorLogic {
  const { ctx } = agent;
  const board = ctx.board;
  const looksAtBoard =
    board !== undefined && (options.onTask !== undefined || options.onBoardDone !== undefined);
  const order = [...ctx.tasks.keys()];
  const handlers = options.onMessage ?? {};
  const on = Object.fromEntries(
    Object.keys(handlers).map((type) => [type, { actions: 'enqueueMessage' as const }]),
  );
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

  const dispatch = (system: unknown, out: Outgoing[]) => {
    const rt = hostBinding(system as Parameters<typeof hostBinding>[0]);
    for (const m of out)
      if (m.to.startsWith('#')) rt.broadcast(m.to.slice(1), m.type, m.body);
      else rt.tell(m.to, m.type, m.body);
  };

  return setup({
    types: { context: {} as LlmContext, events: {} as LlmEvent },
    actors: {
      job: fromPromise<JobOutcome, Job>(({ input, signal, system }) => work(input, system, signal)),
      lookAtBoard: fromPromise<ClaimNextOutcome>(async () => {
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
      }),
    },
    actions: {
      enqueueMessage: assign({
        queue: ({ context, event }) => {
          if (!('envelope' in event)) return context.queue;
          const from = event.envelope.from;
          const prompt = handlers[event.type]?.({ body: event.body, from }, ctx);
          if (prompt === undefined) return context.queue;
          const job: Job = { kind: 'message', prompt, type: event.type, body: event.body, from };
          return [...context.queue, job];
        },
      }),
    },
    guards: {
      hasJob: ({ context }) => context.queue.length > 0,
      watchesBoard: ({ context }) =>
        looksAtBoard && !(context.boardFinished && context.boardDoneQueued),
    },
    delays: { poll: options.pollMs ?? 50 },
  }).createMachine({
    id: 'llm-agent',
    context: {
      queue: options.onStart ? [{ kind: 'start', prompt: options.onStart(ctx) }] : [],
      current: undefined,
      boardFinished: false,
      boardDoneQueued: options.onBoardDone === undefined,
      completed: 0,
      lastError: undefined,
    },
    initial: 'idle',
    on: { ...on, 'run.done': '.stopped', 'run.stop': '.stopped' },
    states: {
      idle: {
        always: {
          guard: 'hasJob',
          target: 'working',
          actions: assign({
            current: ({ context }) => context.queue[0],
            queue: ({ context }) => context.queue.slice(1),
          }),
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
                queue: ({ context, event }) => {
                  const { taskId } = event.output as { taskId: string };
                  recordTask(taskId, 'claim');
                  const task = ctx.tasks.get(taskId) ?? { id: taskId };
                  const job: Job = { kind: 'task', prompt: options.onTask!(task, ctx), task };
                  return [...context.queue, job];
                },
              }),
            },
            {
              guard: ({ event }) => event.output.kind === 'finished',
              target: 'idle',
              actions: assign(({ context }) => {
                if (context.boardDoneQueued) return { boardFinished: true };
                const prompt = options.onBoardDone!([...ctx.tasks.values()], ctx);
                const job: Job = { kind: 'board-done', prompt };
                return {
                  boardFinished: true,
                  boardDoneQueued: true,
                  queue: [...context.queue, job],
                };
              }),
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
              ({ event, system }) => {
                const o = event.output;
                dispatch(
                  system,
                  o.kind === 'done'
                    ? list(options.done?.(o.result, ctx))
                    : list(options.failed?.({ job: o.job, error: o.error }, ctx)),
                );
              },
              assign(({ context, event }) => ({
                current: undefined,
                completed: context.completed + (event.output.kind === 'done' ? 1 : 0),
                lastError: event.output.kind === 'failed' ? event.output.error : context.lastError,
              })),
            ],
          },
        },
      },
      stopped: { type: 'final', entry: () => void agent.closeTools() },
    },
  });
}
