import { isModelError } from '../models/index.js';
import { admitEpoch } from '../protocols/fencing.js';
import { hostBinding } from '../protocols/runtime-binding.js';
import { describeSkip, type SkipReason } from '../protocols/task-board-protocol.js';
import { describeRefusal, type BoardRefusal } from '../team-state/task-board.js';
import type { PrepareOutcome, ReviewOutcome } from './agent-actors.js';
import type { AgentContext } from './agent-context.js';
import type { AgentEvent, TaskDoneBody, VoteBody } from './agent-messages.js';
import type { AgentServices } from './agent-services.js';

type ActionArgs = { context: AgentContext; event: AgentEvent; system: unknown };
/** An invoked actor's result, on the done or error event an action runs on. */
const outputOf = <T>(event: AgentEvent) => (event as unknown as { output: T }).output;
const errorOf = (event: AgentEvent) => (event as unknown as { error: unknown }).error;
type Phase = 'claim' | 'start' | 'done' | 'release' | 'fail';

/**
 * The agent's side effects on the team: reports to the coordinators (and, self-claiming, to
 * teammates), votes, trace records, refusals of a deposed leader's commands. They reach the
 * runtime through `services.binding` (the host's by default).
 */
export function agentActions(s: AgentServices) {
  const selfClaiming = s.arch !== 'centralized';
  const bind = s.binding ?? hostBinding;
  const rt = (system: unknown) => bind(system as Parameters<typeof bind>[0]);
  const toCoordinators = (system: unknown, type: string, body: unknown) => {
    const r = rt(system);
    for (const c of s.coordinators) r.tell(c, type, body);
  };
  /** A task given back unfinished: traced in `phase` with why, and told to the coordinators
   *  as not done. */
  const giveBack = (
    context: AgentContext,
    system: unknown,
    phase: 'release' | 'fail',
    reason: string,
    told: Pick<TaskDoneBody, 'reason' | 'skip'>,
  ) => {
    const a = context.assignment!;
    rt(system).record({
      kind: 'task',
      taskId: a.taskId,
      phase,
      reason,
      modelTime: context.modelNow,
    });
    const body: TaskDoneBody = {
      taskId: a.taskId,
      ok: false,
      modelTime: context.modelNow,
      backup: a.backup,
      ...told,
    };
    toCoordinators(system, 'task.done', body);
  };
  return {
    recordTask: ({ context, system }: ActionArgs, params: { phase: Phase; reason?: string }) => {
      if (!context.assignment) return;
      rt(system).record({
        kind: 'task',
        taskId: context.assignment.taskId,
        phase: params.phase,
        modelTime: context.modelNow,
        ...(context.assignment.backup ? { backup: true } : {}),
        ...(context.assignment.epoch > 0 ? { epoch: context.assignment.epoch } : {}),
        ...(params.reason ? { reason: params.reason } : {}),
      });
    },
    /** The assignment is not started: the coordinator counts this worker busy with it until
     *  it hears back. */
    reportSkip: ({ context, event, system }: ActionArgs) => {
      const a = context.assignment!;
      const skip = (outputOf<PrepareOutcome>(event) as { skip: SkipReason }).skip;
      const reason = describeSkip(a.taskId, skip);
      giveBack(context, system, 'release', reason, { reason: `skipped: ${reason}`, skip });
    },
    reportDone: ({ context, system }: ActionArgs) => {
      const a = context.assignment!;
      const body: TaskDoneBody = {
        taskId: a.taskId,
        ok: true,
        modelTime: context.modelNow,
        backup: a.backup,
      };
      toCoordinators(system, 'task.done', body);
      if (selfClaiming && s.teammates.length > 0) rt(system).broadcast('team', 'task.done', body);
    },
    reportFailure: ({ context, system }: ActionArgs) => {
      const reason = context.lastError ?? 'gave up';
      giveBack(context, system, 'fail', reason, { reason });
    },
    sendVote: ({ context, event, system }: ActionArgs) => {
      const job = context.reviews[0]!;
      const output = outputOf<ReviewOutcome>(event);
      const body: VoteBody = {
        taskId: job.taskId,
        voteId: job.voteId,
        value: output.value,
        reason: output.reason,
        modelTime: output.modelNow,
      };
      rt(system).record({
        kind: 'mark',
        name: 'vote.cast',
        voteId: job.voteId,
        taskId: job.taskId,
        value: output.value,
      });
      toCoordinators(system, 'vote.cast', body);
    },
    /** A review that failed (the model gave up) is a vote against. */
    sendRejectVote: ({ context, event, system }: ActionArgs) => {
      const job = context.reviews[0]!;
      const error = errorOf(event);
      const reason = isModelError(error) ? error.code : String(error);
      rt(system).record({
        kind: 'mark',
        name: 'vote.cast',
        voteId: job.voteId,
        taskId: job.taskId,
        value: 'reject',
        reason,
      });
      const body: VoteBody = {
        taskId: job.taskId,
        voteId: job.voteId,
        value: 'reject',
        reason,
        modelTime: context.modelNow,
      };
      toCoordinators(system, 'vote.cast', body);
    },
    /** A report (task done or failed, a vote) whose publish kept failing — a broker outage
     *  longer than the retry budget — is sent again: the coordinator acts on nothing else. */
    resendReport: ({ event, system }: ActionArgs) => {
      if (event.type !== 'send.failed') return;
      const r = rt(system);
      r.record({
        kind: 'mark',
        name: 'report.resent',
        to: event.to,
        messageType: event.messageType,
        failedMsgId: event.msgId,
      });
      r.tell(event.to, event.messageType, event.body);
    },
    /** Fencing at the board: a cancellation from a leader this agent had not yet heard was
     *  deposed; the board refused its release. The task was stopped, so the current leader is
     *  told it was not finished (and gives it out again). */
    reportStaleCancel: ({ context, event, system }: ActionArgs) => {
      const refusal = outputOf<BoardRefusal | undefined>(event);
      const a = context.assignment;
      const by = context.cancelledBy;
      if (refusal?.code !== 'stale-epoch' || !a || !by) return;
      const r = rt(system);
      r.record({
        kind: 'mark',
        name: 'fence.refused',
        by: 'board',
        messageType: 'task.cancel',
        from: by.from,
        msgId: by.msgId,
        epoch: refusal.epoch,
        seen: refusal.seen,
        taskId: a.taskId,
      });
      const body: TaskDoneBody = {
        taskId: a.taskId,
        ok: false,
        modelTime: context.modelNow,
        backup: a.backup,
        reason: `stopped by a deposed leader's cancellation: ${describeRefusal(a.taskId, refusal)}`,
        skip: { code: 'refused', refusal },
      };
      toCoordinators(system, 'task.done', body);
    },
    /** Fencing: a command from a deposed leader is refused, traced, and its sender told. */
    refuseStale: ({ context, event, system }: ActionArgs) => {
      if (!('envelope' in event)) return;
      const epoch = (event.body as { epoch?: number }).epoch ?? 0;
      const taskId = (event.body as { taskId?: string }).taskId;
      const r = rt(system);
      r.record({
        kind: 'mark',
        name: 'fence.refused',
        messageType: event.type,
        from: event.envelope.from,
        msgId: event.envelope.id,
        epoch,
        seen: context.leaderEpoch,
        ...(taskId !== undefined ? { taskId } : {}),
      });
      r.tell(event.envelope.from, 'leader.fenced', {
        refused: event.type,
        epoch,
        seen: context.leaderEpoch,
        ...(taskId !== undefined ? { taskId } : {}),
      });
    },
  };
}

/** Guards and delays that depend on the agent's configuration. */
export function agentGuards(s: AgentServices) {
  const fencing = { enabled: s.fencing ?? true };
  return {
    selfClaiming: () => s.arch !== 'centralized',
    turnsLeft: ({ context }: { context: AgentContext }) => context.turns < s.limits.maxTurns,
    modelGaveUp: ({ context }: { context: AgentContext }) =>
      context.modelFailures > s.limits.maxModelFailures,
    /** A leader's command with an epoch lower than one this agent has seen. */
    staleCommand: ({ context, event }: { context: AgentContext; event: AgentEvent }) =>
      'envelope' in event &&
      admitEpoch(context.leaderEpoch, (event.body as { epoch?: number }).epoch, fencing).kind ===
        'stale',
  };
}

export function agentDelays(s: AgentServices) {
  return {
    poll: () => s.limits.pollMs,
    modelTurn: () => s.limits.modelTurnTimeoutMs,
    toolTurn: () => s.limits.toolTimeoutMs,
    modelBackoff: ({ context }: { context: AgentContext }) => 100 * 2 ** context.modelFailures,
  };
}
