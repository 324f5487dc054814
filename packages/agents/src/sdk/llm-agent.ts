import { mcpTools } from './mcp-tools.js';
import { createLlmAgentMachine } from './llm-agent-machine.js';
import type { LlmAgentOptions } from './llm-agent-options.js';
import type { MemberDefinition } from './team-definition.js';

export type { Job, JobResult, LlmAgentOptions, Outgoing } from './llm-agent-options.js';
export type { ToolSource } from './tool-source.js';

/**
 * An LLM agent for the common loop: jobs come from messages, the start, the task board or the
 * board's end; each job is a conversation (system prompt, the job's prompt, model turns and
 * tool calls up to `maxTurns`); when the model answers without calling a tool, `done` says
 * what to send. Jobs run one at a time, in arrival order; a member working a job is `busy`, so
 * an at-least-once message that started it is acknowledged when the job ends.
 */
export function llmAgent(options: LlmAgentOptions): MemberDefinition {
  return {
    ...(options.role !== undefined ? { role: options.role } : {}),
    ...(options.model !== undefined ? { model: options.model } : {}),
    ...(options.topics !== undefined ? { topics: options.topics } : {}),
    logic: async (ctx) => {
      const model = ctx.createModel();
      const tools = [
        ...(typeof options.tools === 'function' ? options.tools(ctx) : (options.tools ?? [])),
      ];
      const sources = [
        ...(options.toolSources ?? []),
        ...(options.mcp ? [mcpTools(options.mcp)] : []),
      ];
      const closers: (() => Promise<void>)[] = [];
      // Closed once: when the member stops (its final state), or with its team.
      let closing: Promise<void> | undefined;
      const closeTools = () =>
        (closing ??= Promise.all(closers.map((c) => c().catch(() => undefined))).then(() => {}));
      try {
        for (const source of sources) {
          const opened = await source(ctx);
          tools.push(...opened.tools);
          if (opened.close) closers.push(opened.close);
        }
      } catch (err) {
        await closeTools();
        throw err;
      }
      if (closers.length > 0) ctx.onClose(closeTools);
      return createLlmAgentMachine(options, { ctx, model, tools, closeTools });
    },
  };
}
