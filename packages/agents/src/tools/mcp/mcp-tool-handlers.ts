import type { AnyToolHandler } from '../tool-handler.js';
import type { McpToolbox } from './mcp-toolbox.js';

/**
 * The tools of an open MCP toolbox as entries of a tool table (`createToolExecutor`,
 * `llmAgent`): each call goes to its server, and is traced like the team's own tools — a
 * `tool` event whose `outcome` is the call's (`ok`, `error`: the tool answered with an error,
 * `failed`: no answer), with `mcpServer` and `mcpTool` naming where it went.
 */
export function mcpToolHandlers(toolbox: McpToolbox): AnyToolHandler[] {
  return toolbox.tools.map((tool): AnyToolHandler => ({
    definition: tool.definition,
    external: true,
    async run(args: unknown) {
      const r = await toolbox.call(tool.name, args);
      return {
        result: { content: r.content, isError: r.isError },
        trace: { outcome: r.outcome, mcpServer: r.server, mcpTool: r.tool },
      };
    },
  }));
}
