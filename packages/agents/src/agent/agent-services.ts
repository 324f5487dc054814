import type { Clock, Random, TracePayload } from '@llm-teams/runtime';
import type { ModelClient } from '../models/index.js';
import type { TaskBoardProtocol } from '../protocols/task-board-protocol.js';
import type { WorkspaceStore } from '../team-state/workspace-store.js';
import type { TaskSpec } from '../task-spec.js';
import type { ToolExecutor } from '../tools/tool-executor.js';
import type { Architecture } from './agent-prompt.js';
import type { RuntimeBinding } from '../protocols/runtime-binding.js';

export interface AgentLimits {
  /** Model calls per task before giving it up. Default 24. */
  maxTurns: number;
  /** Consecutive failed model calls (after the client's own retries) before giving up. Default 2. */
  maxModelFailures: number;
  /** Pause before a self-claiming agent looks at the board again. Default 50. */
  pollMs: number;
  /** A claim holds this long without renewal (self-claiming teams). Default 30000 (model-scaled
   *  by the team runner). */
  leaseMs: number;
  /** Longest wait for one model call, retries included, before it counts as failed. Default
   *  600000. */
  modelTurnTimeoutMs: number;
  /** Longest wait for one batch of tool calls. Default 120000. */
  toolTimeoutMs: number;
  /** A self-claiming agent with nothing ready steals a claim running longer than this
   *  (real ms) as a backup copy. 0 disables stealing. Default 0. */
  stealAfterMs: number;
}

/** Everything an agent's machine reaches outside itself. Built by the team runner. */
export interface AgentServices {
  agentId: string;
  arch: Architecture;
  tasks: ReadonlyMap<string, TaskSpec>;
  /** Longest path to the end of the DAG per task (critical-path-first order). */
  priority: ReadonlyMap<string, number>;
  teammates: readonly string[];
  /** Coordinator candidates to report to (centralized). */
  coordinators: readonly string[];
  model: ModelClient;
  executor: ToolExecutor;
  /** The task-board protocol, acting as this agent. */
  protocol: TaskBoardProtocol;
  workspace: WorkspaceStore;
  random: Random;
  limits: AgentLimits;
  /** Real ms per model ms (the run's time scale). The agent paces itself: after each model
   *  call and tool batch it waits until `runStartMs + modelNow * timeScale`, so real time
   *  tracks model time and the team's real interleaving matches its model-time schedule. */
  timeScale: number;
  /** Real time the run started (the origin of model time). */
  runStartMs: number;
  /** When set, the origin of model time instead of `runStartMs`, awaited before each pace: a
   *  team whose members join from other processes starts once they have, and the wait for them
   *  is no model time (else a slow join would leave nothing to pace). */
  runStarted?: () => Promise<number>;
  /** Records in the agent's trace lane (set when the actor is spawned). */
  record: (payload: TracePayload) => void;
  now(): number;
  /** Timers of the agent's own (pacing, lease renewal). Default: the system clock. A virtual
   *  clock makes them part of a controlled schedule (docs/schedules.md). */
  clock?: Clock;
  /** How the agent reaches the runtime. Default: its `ActorHost` (`hostBinding`); unit tests
   *  pass `createTestRuntime().binding`. */
  binding?: RuntimeBinding;
  /** Refuse leader commands with an epoch lower than one seen. Default true; false is the
   *  deliberately broken `stale-leader` variant. */
  fencing?: boolean;
}

export const DEFAULT_AGENT_LIMITS: AgentLimits = {
  maxTurns: 24,
  maxModelFailures: 2,
  pollMs: 50,
  leaseMs: 30_000,
  modelTurnTimeoutMs: 600_000,
  toolTimeoutMs: 120_000,
  stealAfterMs: 0,
};
