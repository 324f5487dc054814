import type { AnyToolHandler } from '../tools/tool-executor.js';
import type { ModelPurpose } from '../models/index.js';
import type { McpServers } from './mcp-tools.js';
import type { BoardTask, MemberContext } from './team-definition.js';
import type { ToolSource } from './tool-source.js';

/** What started a job. */
export type Job =
  | { kind: 'start'; prompt: string }
  | { kind: 'message'; prompt: string; type: string; body: unknown; from: string }
  | { kind: 'task'; prompt: string; task: BoardTask }
  | { kind: 'board-done'; prompt: string };

/** How a job ended: the model's last text (it stopped calling tools). */
export interface JobResult {
  job: Job;
  text: string;
  turns: number;
}

/** A message a job sends when it ends. `to`: a member id, `director`, or `#<topic>`. */
export interface Outgoing {
  to: string;
  type: string;
  body?: unknown;
}

export interface LlmAgentOptions {
  role?: string;
  /** Model id. Default: the team's (or the run's `--model`). */
  model?: string;
  /** The system prompt. */
  system: string | ((ctx: MemberContext) => string);
  /** Tools the model may call: `defineTool(...)`, `builtinTools([...])`. Default none. */
  tools?: AnyToolHandler[] | ((ctx: MemberContext) => AnyToolHandler[]);
  /** More tools, opened at spawn (MCP servers). */
  toolSources?: ToolSource[];
  /** MCP servers whose tools the model may call (as `<server>__<tool>`): a list of
   *  `{ name, command, args?, env?, cwd? }` (stdio) or `{ name, url, headers? }` (streamable
   *  HTTP), each with an optional `tools` allow-list, or the path of a JSON file of them (the
   *  `.mcp.json` form). Relative paths are the team directory's; a stdio server runs there.
   *  Connected when the member is spawned, in the process that hosts it; closed when it stops
   *  or its team closes. Calls are `tool` trace events with `mcpServer` and `mcpTool`. */
  mcp?: McpServers;
  /** Model calls per job before it fails. Default 8. */
  maxTurns?: number;
  /** The purpose reported with each call (`code`, `review`, `coordinate`). Default `code`. */
  purpose?: ModelPurpose;
  /** One job when the run starts: its first prompt. */
  onStart?: (ctx: MemberContext) => string;
  /** A job per message of these types: the prompt, or undefined to ignore the message. */
  onMessage?: Record<
    string,
    (msg: { body: unknown; from: string }, ctx: MemberContext) => string | undefined
  >;
  /** Work the board: claim ready tasks (critical path by declaration order), one job each;
   *  the task is completed on the board when its job ends. */
  onTask?: (task: BoardTask, ctx: MemberContext) => string;
  /** One job once every task of the board is done (a reducer). */
  onBoardDone?: (tasks: BoardTask[], ctx: MemberContext) => string;
  /** What to send when a job ends. Default nothing. */
  done?: (result: JobResult, ctx: MemberContext) => Outgoing | Outgoing[] | undefined;
  /** What to send when a job fails (turn limit, model errors). Default nothing. */
  failed?: (
    failure: { job: Job; error: string },
    ctx: MemberContext,
  ) => Outgoing | Outgoing[] | undefined;
  /** How often an idle board worker looks at the board (real ms). Default 50. */
  pollMs?: number;
  /** Receives broadcasts on these topics. Default `['team']`. */
  topics?: string[];
}
