import type { Random } from '@llm-teams/runtime';
import type { TaskSpec } from '../../task-spec.js';
import type { ModelPurpose } from '../model-types.js';

/** What a simulated model knows that a real one would work out: the tasks and their reference
 *  solutions. */
export interface SimOracle {
  task(taskId: string): TaskSpec | undefined;
  /** A wrong version of one of a task's files, for tasks without a mistake catalog
   *  (`TaskSpec.mistakes`). Default: the reference with a line appended that throws when the
   *  module loads, so any test importing it fails. */
  brokenSolution?(task: TaskSpec, path: string, random: Random): string;
}

/** One attempt of a simulated call, as the fault hook sees it. */
export interface SimCallInfo {
  agentId: string;
  callIndex: number;
  /** From 1. */
  attempt: number;
  taskId?: string;
  purpose: ModelPurpose;
  /** The tools this reply calls (empty for a text reply). */
  tools: string[];
}

/** A failure to inject into one attempt. Content faults (`malformed_tool_call`,
 *  `truncated_tool_call`, `wrong_answer`) and `latency_multiplier` act on the attempt that
 *  succeeds; the others make the attempt fail, so the client's retries take over. */
export type SimFault =
  | { kind: 'rate_limit'; retryAfterMs?: number }
  | { kind: 'server_error'; status?: number }
  | { kind: 'timeout' }
  | { kind: 'malformed_tool_call' }
  | { kind: 'truncated_tool_call' }
  | { kind: 'wrong_answer' }
  | { kind: 'latency_multiplier'; factor: number };

export interface SimOptions {
  /** Needed for any turn that touches a task (claim, code, review). */
  oracle?: SimOracle;
  /** Per-attempt fault injection. Default: none. Must be deterministic for a seed to
   *  reproduce a run. */
  faults?: (call: SimCallInfo) => SimFault | undefined;
  /** Probability that a fresh version of a task's files fails its tests. Default: derived from
   *  the calibration file for `mistakeProfile` (docs/models.md). */
  mistakeRate?: number;
  /** Which of the paper's conditions the default mistake rate comes from. `preassign` (the
   *  default) is the model's own error rate; `decentralized` also contains the failures the
   *  paper's teams caused each other, which our runtime produces by itself. */
  mistakeProfile?: 'preassign' | 'decentralized';
  /** The quantile splitting the calibrated reply distribution into coordination replies
   *  (below) and coding replies (above). Default `SIM_ASSUMPTIONS.coordinationQuantile`. */
  coordinationQuantile?: number;
  /** A reviewer's error rates: it approves a wrong version with `falseAcceptRate` and rejects a
   *  right one with `falseRejectRate`. Defaults: `SIM_ASSUMPTIONS`. */
  review?: { falseAcceptRate?: number; falseRejectRate?: number };
  /** Input tokens per character of teammates' messages in a request. Default
   *  `SIM_ASSUMPTIONS.peerTokensPerChar`; 0 makes input tokens ignore them. */
  peerTokensPerChar?: number;
  /** Tell the team (`send_message` to `all`) after completing a task, when the tool is
   *  offered. Default true. */
  announceCompletion?: boolean;
  /** After this many failed test runs of one task the next version is always right, so a run
   *  cannot loop forever on an unlucky seed. Default `SIM_ASSUMPTIONS.maxMistakesPerTask`. */
  maxMistakesPerTask?: number;
}
