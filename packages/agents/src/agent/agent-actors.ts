import { fromCallback, fromPromise } from 'xstate';
import { delay, systemClock } from '@llm-teams/runtime';
import {
  assistantMessageOf,
  estimateInputTokens,
  invalidToolCallMessages,
  type ModelMessage,
  type ModelRequest,
  type ModelResponse,
  type ToolCall,
} from '../models/index.js';
import { type ClaimNextOutcome, type SkipReason } from '../protocols/task-board-protocol.js';
import type { Verdict } from '../protocols/quorum-vote.js';
import { type BoardRefusal } from '../team-state/task-board.js';
import type { ToolSession } from '../tools/tool-executor.js';
import type { AgentContext, Assignment } from './agent-context.js';
import { emptySession } from './agent-context.js';
import type { ReviewJob } from './agent-messages.js';
import {
  reviewBriefing,
  reviewTools,
  systemPrompt,
  taskBriefing,
  workTools,
} from './agent-prompt.js';
import type { AgentServices } from './agent-services.js';

/** What `prepare` decides about an assignment. */
export type PrepareOutcome = { skip: SkipReason } | { briefing: ModelMessage; modelTime: number };

/** What one batch of tool calls did. */
export interface ActOutcome {
  results: ModelMessage[];
  completed: boolean;
  /** Another copy completed the task first: this one stops. */
  lost: boolean;
  durationMs: number;
}

export interface ReviewOutcome {
  value: Verdict;
  reason: string;
  modelNow: number;
}

/** Waits until real time catches up with `modelNow` (see AgentServices.timeScale). */
async function pace(s: AgentServices, modelNow: number, signal?: AbortSignal): Promise<void> {
  const origin = s.runStarted ? await s.runStarted() : s.runStartMs;
  const wait = origin + modelNow * s.timeScale - s.now();
  if (wait <= 1 || signal?.aborted) return;
  await delay(s.clock ?? systemClock, wait, signal);
}

const toolMessage = (call: ToolCall, result: { content: string; isError: boolean }) =>
  ({
    role: 'tool',
    toolCallId: call.id,
    name: call.name,
    content: result.content,
    isError: result.isError,
  }) satisfies ModelMessage;

type PrepareInput = { assignment: Assignment; modelNow: number; inbox: AgentContext['inbox'] };

/** Whether an assignment can start, and the briefing if so (see `prepare`). */
async function prepareAssignment(
  s: AgentServices,
  selfClaiming: boolean,
  input: PrepareInput,
): Promise<PrepareOutcome> {
  const { taskId, backup } = input.assignment;
  const redo = input.assignment.redo === true;
  const task = s.tasks.get(taskId);
  if (!task) return { skip: { code: 'unknown-task' } };
  const ready = await s.protocol.readiness(taskId, task.deps, redo);
  if (ready.kind === 'skip') return { skip: ready.skip };
  if (!selfClaiming) {
    const out = await s.protocol.recordAssignment(taskId, {
      backup,
      epoch: input.assignment.epoch,
      redo,
    });
    if (!out.ok)
      return {
        skip:
          out.refusal.code === 'already-done'
            ? { code: 'already-done', owner: out.refusal.owner }
            : { code: 'refused', refusal: out.refusal },
      };
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
      backup ? "This is a backup copy of a slow teammate's task: finish it if you can." : undefined,
    ),
    modelTime: Math.max(input.modelNow, ready.depsDoneAtModel),
  };
}

/** A reviewer's turns on a teammate's result (at most 6), ending in a verdict. */
async function reviewTurns(
  s: AgentServices,
  input: { job: ReviewJob; modelNow: number },
  signal: AbortSignal,
): Promise<ReviewOutcome> {
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
        // Each reviewer of each vote draws its own verdict: keyed by the task alone,
        // every reviewer of every round would err alike, and a right version rejected
        // once would be rejected for ever.
        metadata: {
          agentId: s.agentId,
          taskId: task.id,
          purpose: 'review',
          turn,
          drawKey: `review:${input.job.voteId}:${s.agentId}`,
        },
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
      messages.push(toolMessage(call, result));
    }
    await pace(s, session.modelNow, signal);
  }
  return { value: 'reject', reason: 'no verdict within 6 turns', modelNow: session.modelNow };
}

/** Renews a self-made claim's lease every third of it; returns the stop function. */
function renewWhileWorked(
  s: AgentServices,
  selfClaiming: boolean,
  input: { taskId: string; backup: boolean },
): () => void {
  if (!selfClaiming || input.backup) return () => undefined;
  const clock = s.clock ?? systemClock;
  const stop = new AbortController();
  void (async () => {
    for (;;) {
      await delay(clock, s.limits.leaseMs / 3, stop.signal);
      if (stop.signal.aborted) return;
      await s.protocol.renew(input.taskId).catch(() => undefined);
    }
  })();
  return () => stop.abort();
}

/** The agent's invoked logic: each a protocol step or a model / tool turn, none a decision of
 *  the statechart's. */
export function agentActors(s: AgentServices) {
  const selfClaiming = s.arch !== 'centralized';
  const tools = workTools(s.arch);
  return {
    /** Task board: the next ready task, critical path first (ties at random, seeded). */
    claimNext: fromPromise<ClaimNextOutcome, { modelNow: number }>(() =>
      s.protocol.claimNext({
        rank: (ready) =>
          ready.sort(
            (a, b) =>
              (s.priority.get(b.id) ?? 0) - (s.priority.get(a.id) ?? 0) || s.random.next() - 0.5,
          ),
        stealAfterMs: s.limits.stealAfterMs,
      }),
    ),
    /** Whether an assignment can start (task board readiness; a led team's worker records the
     *  assignment with its leader's epoch), and the briefing if so. */
    prepare: fromPromise<PrepareOutcome, PrepareInput>(({ input }) =>
      prepareAssignment(s, selfClaiming, input),
    ),
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
          results.push(toolMessage(call, result));
          if (effects.completed === input.taskId) completed = true;
          if (effects.lostTo === input.taskId) lost = true;
        }
        await pace(s, input.session.modelNow);
        return { results, completed, lost, durationMs };
      },
    ),
    /** A reviewer's turns on a teammate's result, ending in a verdict. */
    review: fromPromise<ReviewOutcome, { job: ReviewJob; modelNow: number }>(({ input, signal }) =>
      reviewTurns(s, input, signal),
    ),
    /** Task board: renews the claim's lease every third of it while the task is worked. Only
     *  an owner's self-made claim has a lease; a backup copy holds none. */
    leaseRenewer: fromCallback<{ type: 'noop' }, { taskId: string; backup: boolean }>(({ input }) =>
      renewWhileWorked(s, selfClaiming, input),
    ),
    /** Task board: gives the task (or the backup copy) back; a release a cancellation asked
     *  for carries its epoch, and the board refuses it from a deposed leader. */
    release: fromPromise<
      BoardRefusal | undefined,
      { taskId: string; backup: boolean; reason: string; failed: boolean; epoch?: number }
    >(async ({ input }) => {
      const out = await s.protocol.release(input.taskId, input);
      return out.ok ? undefined : out.refusal;
    }),
  };
}
