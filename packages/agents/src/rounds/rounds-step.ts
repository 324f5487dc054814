/**
 * What a worker of the paper's harness does in one round: one model call and the tools it
 * asks for. A worker without a task takes one first: the next of its dealt tasks (`rounds`,
 * idle while that one waits for its dependencies), or one it claims by asking the model to
 * pick among the ready tasks on the board (`rounds-claim`, a round of its own). It works a task
 * until the model stops calling tools: after completing it, the model's announcement reaches
 * everyone through the harness's channel. Every round's prompt carries the messages the team
 * sent since this worker's last call, as the harness shows every agent the shared channel.
 */
import type { TracePayload } from '@llm-teams/runtime';
import { CONTINUE_NUDGE, systemPrompt, taskBriefing, workTools } from '../agent/agent-prompt.js';
import {
  assistantMessageOf,
  invalidToolCallMessages,
  teamToolDefinitions,
  type ModelClient,
  type ModelMessage,
} from '../models/index.js';
import type { TaskBoardProtocol } from '../protocols/task-board-protocol.js';
import type { WorkspaceStore } from '../team-state/workspace-store.js';
import type { TaskSpec } from '../task-spec.js';
import type { ToolExecutor, ToolSession } from '../tools/tool-executor.js';
import type { PeerMessage, RoundGo, RoundStep, RoundsMode } from './rounds-messages.js';

export interface RoundsWorkerServices {
  agentId: string;
  mode: RoundsMode;
  lead: string;
  teammates: readonly string[];
  tasks: ReadonlyMap<string, TaskSpec>;
  /** Longest path to the end per task: the order a claiming model is shown ready tasks in. */
  priority: ReadonlyMap<string, number>;
  model: ModelClient;
  executor: ToolExecutor;
  /** The task board protocol acting as this worker, on a board kept under locks. */
  protocol: TaskBoardProtocol;
  workspace: WorkspaceStore;
  /** Model calls on one task before it goes back on the board. */
  maxTurns: number;
  /** Messages this worker's tools sent in the step under way (the executor's `message`). */
  outbox: PeerMessage[];
  record(payload: TracePayload): void;
}

interface Current {
  taskId: string;
  messages: ModelMessage[];
  turn: number;
  session: ToolSession;
  /** Completed: calls left in which the model may wrap up (announce) before it stops. */
  wrapUpsLeft?: number;
}

export interface RoundsWorkerState {
  lastRound: number;
  /** Dealt tasks not done yet (`rounds`). */
  queue: string[];
  current?: Current | undefined;
  /** Every message seen, for the briefing of a new task. */
  log: PeerMessage[];
  /** Messages not yet shown to the model (its next call carries them). */
  unseen: PeerMessage[];
}

/** Calls after completing a task in which the model may still announce it. */
const WRAP_UP_CALLS = 2;

const quote = (ms: readonly PeerMessage[]) =>
  ms.map((m) => `- from ${m.from}: ${m.text}`).join('\n');

export const initialRoundsState = (): RoundsWorkerState => ({
  lastRound: 0,
  queue: [],
  log: [],
  unseen: [],
});

/** One round of worker `s`: the state after it and the step to report. */
export async function roundStep(
  s: RoundsWorkerServices,
  prev: RoundsWorkerState,
  go: RoundGo,
): Promise<{ state: RoundsWorkerState; report: RoundStep }> {
  const heard = go.messages.filter((m) => m.from !== s.agentId);
  const st: RoundsWorkerState = {
    lastRound: go.round,
    queue: go.assigned ?? prev.queue,
    current: prev.current,
    log: [...prev.log, ...heard],
    unseen: [...prev.unseen, ...heard],
  };
  s.outbox.length = 0;
  let modelNow: number;
  let idle = false;
  let completed: string | undefined;
  if (!st.current) {
    const taken = s.mode === 'preassign' ? await takeDealt(s, st, go) : await claimOne(s, st, go);
    modelNow = taken.modelNow;
    idle = taken.idle;
  } else {
    const worked = await workTask(s, st, st.current, go);
    modelNow = worked.modelNow;
    completed = worked.completed;
  }
  const report: RoundStep = {
    round: go.round,
    modelTime: modelNow,
    idle,
    messages: [...s.outbox],
    ...(st.current ? { working: st.current.taskId } : {}),
    ...(completed ? { completed } : {}),
  };
  return { state: st, report };
}

/** `rounds`: starts the next dealt task if its dependencies are done; else idles. A task
 *  started this way is worked from the next round on. */
async function takeDealt(
  s: RoundsWorkerServices,
  st: RoundsWorkerState,
  go: RoundGo,
): Promise<{ modelNow: number; idle: boolean }> {
  const board = await s.protocol.board.all();
  st.queue = st.queue.filter((id) => board.get(id)?.entry.status !== 'done');
  const next = s.tasks.get(st.queue[0] ?? '');
  if (!next) return { modelNow: go.modelTime, idle: true };
  const ready = await s.protocol.readiness(next.id, next.deps, false);
  if (ready.kind === 'skip') return { modelNow: go.modelTime, idle: true };
  const out = await s.protocol.claim(next.id);
  s.record({
    kind: 'tool',
    name: 'board.claim',
    outcome: out.ok ? 'ok' : 'refused',
    taskId: next.id,
    ...(out.ok ? { kvWrite: `board/task.${next.id}@${out.rev}` } : {}),
  });
  if (!out.ok) return { modelNow: go.modelTime, idle: true };
  const modelNow = Math.max(go.modelTime, ready.depsDoneAtModel);
  st.current = await begin(s, next, st.log, modelNow);
  return workTask(s, st, st.current, { ...go, modelTime: modelNow }).then((w) => ({
    modelNow: w.modelNow,
    idle: false,
  }));
}

/** `rounds-claim`: the model picks a ready task on the board and claims it (this round's
 *  action); refused when a teammate claimed it first, then it tries again next round. */
async function claimOne(
  s: RoundsWorkerServices,
  st: RoundsWorkerState,
  go: RoundGo,
): Promise<{ modelNow: number; idle: boolean }> {
  const board = await s.protocol.board.all();
  const isDone = (id: string) => board.get(id)?.entry.status === 'done';
  const open = [...s.tasks.values()]
    .filter((t) => board.get(t.id)?.entry.status === 'open' && t.deps.every(isDone))
    .sort(
      (a, b) => (s.priority.get(b.id) ?? 0) - (s.priority.get(a.id) ?? 0) || (a.id < b.id ? -1 : 1),
    );
  if (open.length === 0) return { modelNow: go.modelTime, idle: true };
  const r = await s.model.call({
    system: systemPrompt(s.agentId, 'rounds-claim', s.teammates),
    messages: [
      {
        role: 'user',
        content: [
          // The ids first: a model (and the simulated one) claims the first task it reads.
          `${open.map((t) => t.id).join(', ')}: ready on the board, critical path first (round ${go.round}). Claim one.`,
          ...(st.unseen.length > 0 ? [`## Messages to you\n${quote(st.unseen)}`] : []),
        ].join('\n\n'),
      },
    ],
    tools: teamToolDefinitions(['claim_task']),
    metadata: { agentId: s.agentId, purpose: 'coordinate' },
  });
  st.unseen = [];
  let modelNow = go.modelTime + r.latencyMs;
  let claimed: TaskSpec | undefined;
  for (const call of r.toolCalls) {
    const session: ToolSession = {
      taskId: undefined,
      revs: {},
      testsPassedFor: undefined,
      modelNow,
    };
    const { effects } = await s.executor.execute(call, session);
    modelNow += effects.durationMs;
    if (effects.claimed && !claimed) claimed = s.tasks.get(effects.claimed);
  }
  if (claimed) st.current = await begin(s, claimed, st.log, modelNow);
  // A refused claim got nothing done: a round in which nobody got anything done is a stall.
  return { modelNow, idle: claimed === undefined };
}

/** Starts a task: reads its dependencies' files (board reads traced by `readiness`), briefs
 *  the model with them and the channel's messages so far. */
async function begin(
  s: RoundsWorkerServices,
  task: TaskSpec,
  log: readonly PeerMessage[],
  modelNow: number,
): Promise<Current> {
  if (s.mode === 'claim') await s.protocol.readiness(task.id, task.deps, false);
  s.record({ kind: 'task', taskId: task.id, phase: 'claim', modelTime: modelNow });
  const files = (
    await Promise.all(
      task.deps.flatMap((d) => s.tasks.get(d)?.files ?? []).map((p) => s.workspace.read(p)),
    )
  ).filter((f) => f !== undefined);
  s.record({ kind: 'task', taskId: task.id, phase: 'start', modelTime: modelNow });
  return {
    taskId: task.id,
    messages: [taskBriefing(task, files, [...log], undefined)],
    turn: 0,
    session: { taskId: task.id, revs: {}, testsPassedFor: undefined, modelNow },
  };
}

/** One model call on the current task, then its tools. */
async function workTask(
  s: RoundsWorkerServices,
  st: RoundsWorkerState,
  cur: Current,
  go: RoundGo,
): Promise<{ modelNow: number; completed?: string }> {
  const messages = [...cur.messages];
  if (st.unseen.length > 0 && cur.turn > 0)
    messages.push({
      role: 'user',
      content: `Round ${go.round}.\n\n## Messages to you\n${quote(st.unseen)}`,
    });
  st.unseen = [];
  const arch = s.mode === 'claim' ? 'rounds-claim' : 'rounds';
  const r = await s.model.call({
    system: systemPrompt(s.agentId, arch, s.teammates),
    messages,
    tools: workTools(arch),
    metadata: { agentId: s.agentId, taskId: cur.taskId, purpose: 'code', turn: cur.turn },
  });
  let modelNow = go.modelTime + r.latencyMs;
  messages.push(assistantMessageOf(r), ...invalidToolCallMessages(r));
  const session = { ...cur.session, modelNow };
  let completedNow = false;
  for (const call of r.toolCalls) {
    const { result, effects } = await s.executor.execute(call, session);
    modelNow += effects.durationMs;
    session.modelNow = modelNow;
    messages.push({
      role: 'tool',
      toolCallId: call.id,
      name: call.name,
      content: result.content,
      isError: result.isError,
    });
    if (effects.completed === cur.taskId) completedNow = true;
  }
  const silent = r.toolCalls.length === 0 && r.invalidToolCalls.length === 0;
  const turn = cur.turn + 1;
  if (completedNow)
    s.record({ kind: 'task', taskId: cur.taskId, phase: 'done', modelTime: modelNow });
  if (completedNow || cur.wrapUpsLeft !== undefined) {
    // The task is done; the worker is free once the model stops calling tools (or the
    // wrap-up calls are spent).
    const left = completedNow ? WRAP_UP_CALLS : cur.wrapUpsLeft! - 1;
    const wrapping = completedNow || (!silent && left > 0);
    st.current = wrapping ? { ...cur, messages, turn, session, wrapUpsLeft: left } : undefined;
    st.queue = st.queue.filter((id) => id !== cur.taskId);
    return completedNow ? { modelNow, completed: cur.taskId } : { modelNow };
  }
  if (turn >= s.maxTurns) {
    // Out of turns: the task goes back on the board for a later round to retry.
    await s.protocol.release(cur.taskId, { backup: false, failed: true, reason: 'out of turns' });
    s.record({
      kind: 'task',
      taskId: cur.taskId,
      phase: 'fail',
      modelTime: modelNow,
      reason: 'out of turns',
    });
    st.current = undefined;
    return { modelNow };
  }
  // A reply without tool calls gets the harness's nudge with the next round.
  if (silent) messages.push(CONTINUE_NUDGE);
  st.current = { ...cur, messages, turn, session };
  return { modelNow };
}
