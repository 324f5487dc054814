import type { ModelMessage, ToolCall } from '../models/index.js';
import type { ToolSession } from '../tools/tool-executor.js';
import type { ReviewJob } from './agent-messages.js';

export interface Assignment {
  taskId: string;
  backup: boolean;
  /** The epoch of the leader that assigned it (0: self-claimed). */
  epoch: number;
  redo?: boolean;
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
  /** The highest leader epoch this agent has seen (fencing): a command with a lower one is
   *  refused. Part of the checkpoint, so a restarted agent still refuses a deposed leader. */
  leaderEpoch: number;
  /** The cancellation that stopped the current task, if one did (its release is fenced). */
  cancelledBy: { epoch: number | undefined; msgId: string; from: string } | undefined;
}

export const emptySession = (modelNow = 0): ToolSession => ({
  taskId: undefined,
  revs: {},
  testsPassedFor: undefined,
  modelNow,
});

export function initialAgentContext(agentId: string): AgentContext {
  return {
    agentId,
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
    leaderEpoch: 0,
    cancelledBy: undefined,
  };
}
