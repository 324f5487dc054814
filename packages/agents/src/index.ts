/**
 * @llm-teams/agents: LLM agents on the runtime. Model clients, agent statecharts, tools,
 * the shared workspace and task board, and team architectures and protocols.
 */
export type { TaskSpec, TaskSuite } from './task-spec.js';
export {
  TOOL_NAMES,
  toolJsonSchema,
  toolSchemas,
  type ToolArgs,
  type ToolName,
} from './tools/tool-schemas.js';
// Model clients: real providers, simulated, replay; accounting and budgets.
export * from './models/index.js';
export { AgentsError, type AgentsErrorCode } from './agents-error.js';
export {
  createWorkspaceStore,
  pathProblem,
  type WorkspaceFile,
  type WorkspaceStore,
  type WriteOutcome,
} from './shared/workspace-store.js';
export {
  createTaskBoard,
  readyTasks,
  type BoardEntry,
  type BoardOutcome,
  type TaskBoard,
  type TaskStatus,
  type VersionedEntry,
} from './shared/task-board.js';
export {
  createTestRunner,
  type TestRunner,
  type TestRunnerOptions,
  type TestRunResult,
} from './shared/test-runner.js';
export {
  createToolExecutor,
  type ToolEffects,
  type ToolExecutor,
  type ToolExecutorOptions,
  type ToolResult,
  type ToolSession,
} from './tools/tool-executor.js';
export {
  createAgentMachine,
  type AgentContext,
  type AgentEvent,
  type AgentMachine,
  type Assignment,
  type TaskAssignBody,
  type TaskCancelBody,
  type TaskDoneBody,
} from './agent/agent-machine.js';
export { systemPrompt, taskBriefing, workTools, type Architecture } from './agent/agent-prompt.js';
export {
  DEFAULT_AGENT_LIMITS,
  type AgentLimits,
  type AgentServices,
} from './agent/agent-services.js';
export { criticalPath, longestPathToEnd, topologicalOrder } from './team/dag.js';
export { createLeaseKeeper, type LeaseKeeperOptions } from './team/leader-lease.js';
export { createCoordinatorMachine, type CoordinatorServices } from './team/coordinator-machine.js';
export {
  applyDone,
  applySuspect,
  applyUndelivered,
  applyVote,
  plan,
  stateFromBoard,
  type PlanState,
  type PlannedTask,
  type TaskReviewBody,
  type VoteBody,
} from './team/coordinator-plan.js';
export {
  runTeam,
  type CoordinatorOptions,
  type FailureDetectionOptions,
  type RunningTeam,
  type TeamRunOptions,
  type TeamRunResult,
  type TeamRunStatus,
} from './team/team-runner.js';
export {
  spawnCoordinator,
  spawnMember,
  spawnWorker,
  TEAM_DELIVERY,
  type TeamContext,
  type TeamRunConfig,
} from './team/team-members.js';
export { openTeam, type OpenTeam, type OpenTeamOptions } from './team/team-open.js';
export { startTeamNode, type TeamNode, type TeamNodeOptions } from './team/team-node.js';
export { readRunConfig } from './team/team-runner.js';
