/**
 * @llm-teams/agents: LLM agents on the runtime. Model clients, agent statecharts, tools,
 * the shared workspace and task board, and team architectures and protocols.
 */
export type { TaskMistake, TaskSpec, TaskSuite } from './task-spec.js';
export {
  TOOL_NAMES,
  toolJsonSchema,
  toolSchemas,
  type ToolArgs,
  type ToolName,
} from './tools/tool-schemas.js';
// Tools of MCP servers (stdio and streamable HTTP), through the official MCP SDK.
export {
  loadMcpServers,
  mcpServerSchema,
  parseMcpServers,
  type McpServerConfig,
} from './tools/mcp/mcp-config.js';
export {
  mcpContentText,
  mcpToolName,
  openMcpToolbox,
  type McpCallOutcome,
  type McpCallResult,
  type McpTool,
  type McpToolbox,
  type McpToolboxOptions,
} from './tools/mcp/mcp-toolbox.js';
export { mcpToolHandlers } from './tools/mcp/mcp-tool-handlers.js';
export { mcpTools, resolveMcpServers, type McpServers } from './sdk/mcp-tools.js';
// Model clients: real providers, simulated, replay; accounting and budgets.
export {
  assistantMessageOf,
  checkModelCredentials,
  createCassetteRecorder,
  createKvUsageLimiter,
  createModelClient,
  createUsageLedger,
  DEFAULT_MODEL_ID,
  genAiContentOf,
  invalidToolCallMessages,
  isModelError,
  MODEL_PROVIDERS,
  ModelError,
  PAPER_CALIBRATION_FILE,
  parseCassette,
  parseModelId,
  parseRateLimit,
  teamToolDefinitions,
  withModelFaults,
  type AttemptContent,
  type CassetteRecord,
  type CassetteRecorder,
  type ModelCallOptions,
  type ModelClient,
  type ModelClientOptions,
  type ModelErrorCode,
  type ModelFaultHook,
  type ModelMessage,
  type ModelProvider,
  type ModelPurpose,
  type ModelRequest,
  type ModelResponse,
  type ModelSpec,
  type ModelUsage,
  type RateLimit,
  type SimCallInfo,
  type SimFault,
  type SimOptions,
  type StopReason,
  type ToolCall,
  type ToolDefinition,
  type UsageBudget,
  type UsageLedger,
  type UsageLimits,
  type UsageSummary,
  type UsageTotals,
} from './models/index.js';
export { AgentsError, isAgentsError, type AgentsErrorCode } from './agents-error.js';
export { casCreate, casUpdate, CasConflictError } from './team-state/kv-cas.js';
export {
  createWorkspaceStore,
  pathProblem,
  type WorkspaceFile,
  type WorkspaceStore,
  type WriteOutcome,
} from './team-state/workspace-store.js';
export {
  createTaskBoard,
  readyTasks,
  type BoardEntry,
  describeRefusal,
  type BoardOutcome,
  type BoardRefusal,
  type BoardRefusalCode,
  type TaskBoard,
  type TaskStatus,
  type VersionedEntry,
} from './team-state/task-board.js';
export {
  createTestRunner,
  type TestRunner,
  type TestRunnerOptions,
  type TestRunResult,
} from './test-runner/test-runner.js';
export {
  createToolExecutor,
  type AnyToolHandler,
  type ToolContext,
  type ToolEffects,
  type ToolExecutor,
  type ToolExecutorOptions,
  type ToolHandler,
  type ToolResult,
  type ToolRun,
  type ToolSession,
} from './tools/tool-executor.js';
export { builtinTools } from './tools/builtin-tools.js';
export {
  agentChart,
  createAgentMachine,
  type AgentContext,
  type AgentMachine,
  type Assignment,
} from './agent/agent-machine.js';
export type {
  AgentEvent,
  PeerMessageBody,
  ReviewJob,
  RunDoneBody,
  TaskAssignBody,
  TaskCancelBody,
  TaskDoneBody,
  TeamMessageEvent,
  TeamMessages,
} from './agent/agent-messages.js';
export {
  createFileLocks,
  lockedBoard,
  lockedWorkspace,
  type FileLocks,
  type FileLocksOptions,
  type LockOutcome,
} from './rounds/file-locks.js';
export {
  createRoundsLeadMachine,
  dealTasks,
  type RoundsLeadServices,
} from './rounds/rounds-lead.js';
export type { PeerMessage, RoundGo, RoundStep, RoundsMode } from './rounds/rounds-messages.js';
export {
  isRoundsArch,
  systemPrompt,
  taskBriefing,
  workTools,
  type Architecture,
} from './agent/agent-prompt.js';
export {
  DEFAULT_AGENT_LIMITS,
  type AgentLimits,
  type AgentServices,
} from './agent/agent-services.js';
export {
  criticalPath,
  criticalPathLength,
  dependencyClosure,
  findDependencyCycle,
  longestPathToEnd,
  parallelFraction,
  topologicalOrder,
  totalWork,
  type DagTask,
} from './task-dag.js';
// Protocols: reusable building blocks with typed messages and outcomes (docs/protocols.md).
export {
  createTaskBoardProtocol,
  describeSkip,
  type ClaimNextOptions,
  type ClaimNextOutcome,
  type Readiness,
  type SkipReason,
  type TaskBoardProtocol,
  type TaskBoardProtocolOptions,
} from './protocols/task-board-protocol.js';
export { createLeaseKeeper, type LeaseKeeperOptions } from './protocols/leader-lease.js';
export {
  admitEpoch,
  type FenceOptions,
  type FenceVerdict,
  type LeaderFencedBody,
} from './protocols/fencing.js';
export {
  castVote,
  openVote,
  requiredVotes,
  tally,
  type CastOutcome,
  type QuorumOptions,
  type Verdict,
  type VoteState,
} from './protocols/quorum-vote.js';
export {
  ANSWER_TYPE,
  DEFAULT_QUESTION_OPTIONS,
  QUESTION_TYPE,
  answerPeer,
  askPeer,
  createAskLogic,
  type AnswerBody,
  type AskInput,
  type AskOutcome,
  type QuestionBody,
} from './protocols/request-response.js';
export {
  createTestRuntime,
  hostBinding,
  type ActorSystemLike,
  type RuntimeBinding,
  type SentMessage,
  type TestRuntime,
} from './protocols/runtime-binding.js';
export {
  coordinatorChart,
  createCoordinatorMachine,
  type CoordinatorContext,
  type CoordinatorEvent,
} from './team/coordinator-machine.js';
export type { CoordinatorServices, ElectionCallbacks } from './team/coordinator-logic.js';
export {
  allSettled,
  applyDone,
  applyRecover,
  applySuspect,
  applyUndelivered,
  applyVote,
  blocked,
  plan,
  readyByPriority,
  stateFromBoard,
  type PlanState,
  type PlannedTask,
  type TaskReviewBody,
  type VoteBody,
} from './team/coordinator-plan.js';
export { runTeam } from './team/team-runner.js';
export {
  type CoordinatorOptions,
  type FailureDetectionOptions,
  type TeamRunOptions,
  type TeamRunResult,
} from './team/team-run-options.js';
export {
  lifecycleFault,
  type FaultRef,
  type RunningTeam,
  type TeamRunStatus,
} from './team/run-director.js';
export {
  spawnCoordinator,
  spawnMember,
  teamCoordinators,
  spawnWorker,
  TEAM_DELIVERY,
  type TeamContext,
  type TeamRunConfig,
} from './team/team-members.js';
export { openTeam, type OpenTeam, type OpenTeamOptions } from './team/team-open.js';
export { startTeamNode, type TeamNode, type TeamNodeOptions } from './team/team-node.js';
export { readRunConfig } from './team/team-runner.js';
// The SDK: teams of your own (docs/sdk.md).
export {
  defineTeam,
  DIRECTOR,
  teamView,
  type BoardTask,
  type MemberContext,
  type MemberDefinition,
  type StartMessage,
  type TeamDefinition,
  type TeamEnd,
  type TeamView,
} from './sdk/team-definition.js';
export {
  llmAgent,
  type Job,
  type JobResult,
  type LlmAgentOptions,
  type Outgoing,
} from './sdk/llm-agent.js';
export type { ToolSource } from './sdk/tool-source.js';
export { defineTool, type DefineToolOptions } from './sdk/define-tool.js';
export {
  quorumChair,
  type QuorumChairOptions,
  type SubmitBody,
  type VoteCastBody,
  type VoteDecidedBody,
  type VoteRequestBody,
} from './sdk/quorum-chair.js';
export {
  runDefinedTeam,
  type DefinedTeamResult,
  type DefinedTeamRunOptions,
} from './sdk/run-defined-team.js';
export { isDefinedRunConfig, type DefinedRunConfig } from './sdk/defined-team-open.js';
export { memberModelId } from './sdk/defined-member-model.js';
// What a member's machine needs from the runtime, so a team imports one package.
export {
  ask,
  broadcast,
  reply,
  runtimeOf,
  tell,
  type ActorRuntime,
  type MessageEvent,
} from '@llm-teams/runtime';
export { z } from 'zod';
export {
  claimMember,
  liveMembers,
  MEMBER_CLAIM_PREFIX,
  type MemberClaim,
  type MemberClaimOptions,
  type MemberClaimValue,
} from './team/member-claims.js';
export {
  RUN_STARTED_KEY,
  RUN_STATUS_KEY,
  waitForMembers,
  type JoinProgress,
} from './team/team-join.js';
