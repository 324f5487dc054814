/**
 * A stand-in for the agent layer in model tests: it executes a model's tool calls against an
 * in-memory board and workspace and feeds the results back, turn by turn, the way an agent
 * would. Results use the plain formats the simulated model is documented to read.
 */
import {
  assistantMessageOf,
  invalidToolCallMessages,
  teamToolDefinitions,
  type ModelClient,
  type ModelMessage,
  type ModelPurpose,
  type ModelResponse,
  type SimOracle,
} from '../../src/models/index.js';
import type { TaskSpec } from '../../src/task-spec.js';

export interface FakeBoard {
  files: Map<string, string>;
  claims: Map<string, string>;
  done: Set<string>;
  /** The next write of each of these paths is refused (a teammate wrote first). */
  refuseWrites: Set<string>;
  /** taskId -> outcome of each test run, in order. */
  testRuns: Map<string, boolean[]>;
  messages: { from: string; to: string; text: string }[];
}

export function createFakeBoard(): FakeBoard {
  return {
    files: new Map(),
    claims: new Map(),
    done: new Set(),
    refuseWrites: new Set(),
    testRuns: new Map(),
    messages: [],
  };
}

export function makeTask(id: string, deps: string[] = [], weight?: number): TaskSpec {
  const path = `src/${id}.js`;
  return {
    id,
    title: `Task ${id}`,
    spec: `Implement ${path}.`,
    files: [path],
    deps,
    reference: { [path]: `export const ${id} = () => '${id}';\n` },
    tests: { [`test/${id}.test.js`]: `// imports ${path}\n` },
    ...(weight === undefined ? {} : { weight }),
  };
}

export function oracleOf(tasks: TaskSpec[]): SimOracle {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  return { task: (id) => byId.get(id) };
}

function execute(
  board: FakeBoard,
  tasks: Map<string, TaskSpec>,
  agentId: string,
  name: string,
  args: Record<string, unknown>,
): { content: string; isError?: boolean } {
  const str = (k: string) => String(args[k]);
  switch (name) {
    case 'write_file': {
      if (board.refuseWrites.delete(str('path'))) {
        return { content: 'refused: the file changed since you read it (rev 2)', isError: true };
      }
      board.files.set(str('path'), str('content'));
      return { content: JSON.stringify({ ok: true, rev: 1 }) };
    }
    case 'read_file':
      return { content: JSON.stringify({ content: board.files.get(str('path')) ?? '', rev: 2 }) };
    case 'run_tests': {
      const task = tasks.get(str('taskId'));
      const pass =
        task !== undefined && task.files.every((p) => board.files.get(p) === task.reference[p]);
      const runs = board.testRuns.get(str('taskId')) ?? [];
      runs.push(pass);
      board.testRuns.set(str('taskId'), runs);
      return { content: pass ? '# tests 1\n# pass 1\n# fail 0' : '# tests 1\n# pass 0\n# fail 1' };
    }
    case 'claim_task': {
      const holder = board.claims.get(str('taskId'));
      if (holder !== undefined && holder !== agentId) {
        return { content: `refused: ${str('taskId')} is claimed by ${holder}`, isError: true };
      }
      board.claims.set(str('taskId'), agentId);
      return { content: JSON.stringify({ ok: true }) };
    }
    case 'complete_task': {
      const runs = board.testRuns.get(str('taskId')) ?? [];
      if (runs[runs.length - 1] !== true)
        return { content: 'refused: tests have not passed', isError: true };
      board.done.add(str('taskId'));
      return { content: 'done' };
    }
    case 'send_message':
      board.messages.push({ from: agentId, to: str('to'), text: str('text') });
      return { content: 'delivered' };
    default:
      return { content: `unknown tool ${name}`, isError: true };
  }
}

export interface TurnOptions {
  agentId: string;
  instructions: string;
  purpose: ModelPurpose;
  taskId?: string;
  tasks: TaskSpec[];
  board: FakeBoard;
  /** Earlier conversation to continue. */
  history?: ModelMessage[];
  maxCalls?: number;
  /** The calls' `metadata.drawKey` (as an agent's reviews carry one). */
  drawKey?: string;
}

export interface TurnResult {
  responses: ModelResponse[];
  messages: ModelMessage[];
}

/** Calls the model until it answers without tool calls, executing each call in between. */
export async function driveTurn(client: ModelClient, options: TurnOptions): Promise<TurnResult> {
  const tasks = new Map(options.tasks.map((t) => [t.id, t]));
  const messages: ModelMessage[] = [
    ...(options.history ?? []),
    { role: 'user', content: options.instructions },
  ];
  const responses: ModelResponse[] = [];
  for (let turn = 0; turn < (options.maxCalls ?? 50); turn++) {
    const res = await client.call({
      system: `You are ${options.agentId}.`,
      messages,
      tools: teamToolDefinitions(),
      metadata: {
        agentId: options.agentId,
        purpose: options.purpose,
        turn,
        ...(options.taskId === undefined ? {} : { taskId: options.taskId }),
        ...(options.drawKey === undefined ? {} : { drawKey: options.drawKey }),
      },
    });
    responses.push(res);
    messages.push(assistantMessageOf(res), ...invalidToolCallMessages(res));
    for (const call of res.toolCalls) {
      const out = execute(
        options.board,
        tasks,
        options.agentId,
        call.name,
        call.arguments as Record<string, unknown>,
      );
      messages.push({ role: 'tool', toolCallId: call.id, name: call.name, ...out });
    }
    if (res.toolCalls.length === 0 && res.invalidToolCalls.length === 0)
      return { responses, messages };
  }
  throw new Error(`${options.agentId}: no end of turn after ${options.maxCalls ?? 50} calls`);
}

/** The tool names of each response, for asserting what the model did. */
export function actions(responses: ModelResponse[]): string[] {
  return responses.map((r) =>
    r.toolCalls.length + r.invalidToolCalls.length === 0
      ? 'text'
      : [...r.toolCalls, ...r.invalidToolCalls].map((c) => c.name).join('+'),
  );
}
