import type { Clock } from '@llm-teams/runtime';
import {
  createTaskBoardProtocol,
  type TaskBoardProtocol,
  type TaskBoardProtocolOptions,
} from '../protocols/task-board-protocol.js';
import { createToolExecutor, type ToolExecutorOptions } from '../tools/tool-executor.js';
import type { TeamContext } from './team-context.js';

/** What a member's board protocol and tools differ in from one kind of team to another. */
export interface MemberToolParts {
  clock: Clock;
  board: TaskBoardProtocolOptions['board'];
  workspace: ToolExecutorOptions['workspace'];
  record: NonNullable<TaskBoardProtocolOptions['record']>;
  /** Protocol options beyond the common ones. */
  protocol?: Pick<TaskBoardProtocolOptions, 'fencing' | 'earlyReads'>;
  /** Where the `message` tool's messages go. */
  message: ToolExecutorOptions['message'];
  /** Whether the member claims tasks itself (its `claim` tool). */
  claims: boolean;
  /** How the `complete` tool completes a task, given the member's protocol. */
  complete: (protocol: TaskBoardProtocol) => ToolExecutorOptions['complete'];
}

/** A worker's task board protocol and tool executor, on its team's tasks and test runner. */
export function createMemberTools(ctx: TeamContext, id: string, parts: MemberToolParts) {
  const { clock, board, workspace, record } = parts;
  const protocol = createTaskBoardProtocol({
    board,
    agentId: id,
    now: () => clock.now(),
    leaseMs: ctx.config.limits.leaseMs,
    record,
    ...parts.protocol,
  });
  const executor = createToolExecutor({
    agentId: id,
    tasks: ctx.tasks,
    workspace,
    board,
    runner: ctx.runner,
    record,
    now: () => clock.now(),
    message: parts.message,
    ...(parts.claims ? { claim: (taskId: string) => protocol.claim(taskId) } : {}),
    complete: parts.complete(protocol),
  });
  return { protocol, executor };
}
