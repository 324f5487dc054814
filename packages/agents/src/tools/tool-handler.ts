/**
 * What a tool is to the executor: its handler, the context and session it runs in, and what
 * it returns (the table of builtin handlers is builtin-tools.ts; running them, tool-executor.ts).
 */
import type { TracePayload } from '@llm-teams/runtime';
import type { ToolDefinition } from '../models/index.js';
import type { BoardOutcome, TaskBoard } from '../team-state/task-board.js';
import type { TestRunner, TestRunResult } from '../test-runner/test-runner.js';
import type { WorkspaceStore } from '../team-state/workspace-store.js';
import type { TaskSpec } from '../task-spec.js';

/** What one executed tool call returns to the model. */
export interface ToolResult {
  content: string;
  isError: boolean;
}

/** What the agent's statechart needs to know after a tool call. */
export interface ToolEffects {
  /** A task was completed on the board by this call. */
  completed?: string;
  /** Someone else completed this task first (a backup race lost, or a stale assignment). */
  lostTo?: string;
  /** A task was claimed by this call (self-claiming teams). */
  claimed?: string;
  /** A compare-and-set was refused (write, claim or completion). */
  conflict?: boolean;
  /** Model-time the tool took (real time of the work: tests, KV round trips). */
  durationMs: number;
  testRun?: TestRunResult & { taskId: string };
}

/** Per-task state the executor keeps between calls (part of the agent's context). */
export interface ToolSession {
  taskId: string | undefined;
  /** Revision of each path this agent last read or wrote. */
  revs: Record<string, number>;
  /** Passed test run with no write since: completion is allowed. */
  testsPassedFor: string | undefined;
  /** The agent's model clock when the call started (stamped on board entries). */
  modelNow: number;
  /** A backup copy's private files (path -> content). Its writes stay here, seen by its own
   *  reads and test runs, until it wins the task: then they are written to the workspace. So
   *  a backup never overwrites the owner's work in progress, and a losing copy leaves no
   *  trace in the workspace. Absent for an owner. */
  overlay?: Record<string, string>;
}

/** What a tool handler can reach: the agent's shared state and its team. */
export interface ToolContext {
  agentId: string;
  session: ToolSession;
  tasks: ReadonlyMap<string, TaskSpec>;
  workspace: WorkspaceStore;
  /** The task board (teams that have one). */
  board?: TaskBoard | undefined;
  /** Runs tasks' tests (`run_tests`). */
  runner?: TestRunner | undefined;
  /** Sends a teammate message (`to` an agent id or `all`); returns an error text or undefined. */
  message(to: string, text: string, taskId: string | undefined): string | undefined;
  /** Claims by compare-and-set on the board (self-claiming teams). */
  claim?: ((taskId: string) => Promise<BoardOutcome>) | undefined;
  /** Completes the task on the board; refused when already done by someone else. */
  complete?: ((taskId: string, session: ToolSession) => Promise<BoardOutcome>) | undefined;
  /** Records trace events in the agent's lane. */
  record(payload: TracePayload): void;
  now(): number;
}

/** What a handler returns: the model's result, effects for the statechart, trace fields
 *  (`outcome` first among them: ok, refused, conflict, invalid, ...). */
export interface ToolRun {
  result: ToolResult;
  effects?: Omit<ToolEffects, 'durationMs'>;
  trace?: Record<string, unknown>;
}

/**
 * One tool: its definition (what the model is offered), how its arguments are checked, and
 * what it does. The executor is a table of these, by name: the team tools (`builtinTools`),
 * tools of your own (`defineTool`), tools of MCP servers.
 */
export interface ToolHandler<A = never> {
  definition: ToolDefinition;
  /** Checks the model's arguments; an error goes back to the model as the tool's result.
   *  Default: none (the team tools are checked by the model layer already). */
  parse?: (args: unknown) => { ok: true; args: A } | { ok: false; error: string };
  run(args: A, ctx: ToolContext): Promise<ToolRun>;
  /** The tool works outside the team (a file, a process, a service) rather than through the
   *  board and workspace: under a controlled schedule an `llmAgent`'s call of it is a step of
   *  its own (`MemberContext.external`). `defineTool` and MCP tools set it. Default false. */
  external?: boolean;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyToolHandler = ToolHandler<any>;
