import type { MessageEvent, SendFailedEvent } from '@llm-teams/runtime';
import type { LeaderFencedBody } from '../protocols/fencing.js';
import type { TaskDoneBody, VoteBody } from '../agent/agent-messages.js';

/** Everything the coordinator's chart reacts to: its messages, and its services' news. */
export type CoordinatorEvent =
  | MessageEvent<'task.done', TaskDoneBody>
  | MessageEvent<'vote.cast', VoteBody>
  | MessageEvent<'leader.fenced', LeaderFencedBody>
  | { type: 'worker.suspected'; worker: string }
  | { type: 'worker.recovered'; worker: string }
  | SendFailedEvent
  | { type: 'lease.acquired'; epoch: number }
  | { type: 'lease.lost'; reason: string; validForMs?: number }
  | { type: 'tick' }
  | { type: 'run.stop' };
