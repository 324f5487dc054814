import type { MessageEvent, SendFailedEvent } from '@llm-teams/runtime';
import type { SkipReason } from '../protocols/task-board-protocol.js';
import type { LeaderFencedBody } from '../protocols/fencing.js';
import type { Verdict } from '../protocols/quorum-vote.js';

/**
 * The messages of the built-in teams, by type. Commands a leader sends (`task.assign`,
 * `task.review`, `task.cancel`, `run.done`) carry its epoch; a worker refuses a lower epoch
 * than it has seen (docs/protocols.md, fencing).
 */
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
  /** The coordinator's epoch. */
  epoch?: number;
}

export interface TaskDoneBody {
  taskId: string;
  ok: boolean;
  modelTime: number;
  backup: boolean;
  reason?: string;
  /** Why the worker did not start it (typed; `reason` says it in words). */
  skip?: SkipReason;
}

export interface TaskReviewBody {
  taskId: string;
  voteId: string;
  epoch: number;
  modelTime: number;
}

export interface VoteBody {
  taskId: string;
  voteId: string;
  value: Verdict;
  reason?: string;
  modelTime: number;
}

export interface PeerMessageBody {
  text: string;
  taskId?: string;
}

export interface RunDoneBody {
  status: string;
  /** Set when a coordinator ends the run. */
  epoch?: number;
}

/** Every message type of the built-in teams with its body. */
export interface TeamMessages {
  'task.assign': TaskAssignBody;
  'task.cancel': TaskCancelBody;
  'task.done': TaskDoneBody;
  'task.review': TaskReviewBody;
  'vote.cast': VoteBody;
  'peer.msg': PeerMessageBody;
  'run.done': RunDoneBody;
  'leader.fenced': LeaderFencedBody;
}

export type TeamMessageEvent<T extends keyof TeamMessages = keyof TeamMessages> = {
  [K in T]: MessageEvent<K, TeamMessages[K]>;
}[T];

/** A request to review a teammate's completed task and vote on it. */
export interface ReviewJob {
  taskId: string;
  voteId: string;
}

export type AgentEvent =
  | TeamMessageEvent<
      'task.assign' | 'task.cancel' | 'task.done' | 'peer.msg' | 'task.review' | 'run.done'
    >
  | SendFailedEvent
  | { type: 'run.stop' };
