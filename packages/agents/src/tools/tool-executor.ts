import type { ToolCall, ToolDefinition } from '../models/index.js';
import { builtinTools } from './builtin-tools.js';
import type {
  AnyToolHandler,
  ToolContext,
  ToolEffects,
  ToolResult,
  ToolRun,
  ToolSession,
} from './tool-handler.js';

export type {
  ToolResult,
  ToolEffects,
  ToolSession,
  ToolContext,
  ToolRun,
  ToolHandler,
  AnyToolHandler,
} from './tool-handler.js';

export interface ToolExecutorOptions extends Omit<ToolContext, 'session'> {
  /** The tools, by name. Default: every team tool (`builtinTools()`). */
  tools?: readonly AnyToolHandler[];
}

export interface ToolExecutor {
  /** The tools it executes, as offered to a model. */
  readonly definitions: ToolDefinition[];
  execute(
    call: ToolCall,
    session: ToolSession,
  ): Promise<{ result: ToolResult; effects: ToolEffects }>;
}

const json = (value: unknown) => JSON.stringify(value);

function summarize(args: unknown): string {
  const text = JSON.stringify(args, (k, v: unknown) =>
    k === 'content' && typeof v === 'string' ? `<${v.length} chars>` : v,
  );
  return text.length > 200 ? text.slice(0, 200) + '…' : text;
}

/**
 * Executes tool calls against the shared state, for one agent, by looking each up in its
 * table. Every call is a `tool` trace event; writes carry `path`, `baseRev` and `rev` (absent
 * when refused). An infrastructure failure (KV unavailable, runner crash) is the model's tool
 * error, visible and traced, not a crash of the agent.
 */
export function createToolExecutor(options: ToolExecutorOptions): ToolExecutor {
  const { tools = builtinTools(), ...context } = options;
  const table = new Map<string, AnyToolHandler>(tools.map((t) => [t.definition.name, t]));

  async function run(call: ToolCall, session: ToolSession): Promise<ToolRun> {
    const handler = table.get(call.name);
    if (!handler) {
      const error = `Unknown tool "${call.name}". Available tools: ${[...table.keys()].join(', ')}.`;
      return {
        result: { content: json({ ok: false, error }), isError: true },
        trace: { outcome: 'invalid' },
      };
    }
    let args: unknown = call.arguments;
    if (handler.parse) {
      const parsed = handler.parse(call.arguments);
      if (!parsed.ok)
        return {
          result: { content: json({ ok: false, error: parsed.error }), isError: true },
          trace: { outcome: 'invalid' },
        };
      args = parsed.args;
    }
    try {
      return await handler.run(args, { ...context, session });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      return {
        result: { content: json({ ok: false, error: `tool failed: ${message}` }), isError: true },
        trace: { outcome: 'error', error: message },
      };
    }
  }

  return {
    definitions: tools.map((t) => t.definition),
    async execute(call, session) {
      const started = options.now();
      const outcome = await run(call, session);
      const effects = outcome.effects ?? {};
      const trace = outcome.trace ?? {};
      // Waiting for a free test runner is contention of this machine, not the task's work;
      // a cached test run took no time now, but the work it stands for did.
      const testRun = effects.testRun;
      const latencyMs = Math.max(0, options.now() - started);
      const durationMs = Math.max(
        0,
        latencyMs - (testRun?.queuedMs ?? 0) + (testRun?.cached ? testRun.durationMs : 0),
      );
      options.record({
        kind: 'tool',
        name: call.name,
        args: summarize(call.arguments),
        latencyMs,
        ...(session.taskId !== undefined ? { taskId: session.taskId } : {}),
        modelTime: session.modelNow + durationMs,
        ...trace,
        outcome: typeof trace['outcome'] === 'string' ? trace['outcome'] : 'ok',
      });
      return { result: outcome.result, effects: { ...effects, durationMs } };
    },
  };
}
