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
