import { isAbsolute, resolve } from 'node:path';
import { loadMcpServers, parseMcpServers, type McpServerConfig } from '../tools/mcp/mcp-config.js';
import { mcpToolHandlers } from '../tools/mcp/mcp-tool-handlers.js';
import { openMcpToolbox, type McpToolboxOptions } from '../tools/mcp/mcp-toolbox.js';
import type { MemberContext } from './team-definition.js';
import type { ToolSource } from './tool-source.js';

/** MCP servers for a member: a list, or the path of a JSON file (`.mcp.json` form or a list). */
export type McpServers = readonly McpServerConfig[] | string;

/** A member's servers, with paths of its team's directory: the file, and a stdio server's
 *  `cwd` (default: the team's directory, so `args` can name files beside `team.ts`). */
export function resolveMcpServers(servers: McpServers, dir: string | undefined): McpServerConfig[] {
  const base = dir ?? process.cwd();
  if (typeof servers === 'string')
    return loadMcpServers(isAbsolute(servers) ? servers : resolve(base, servers));
  return parseMcpServers(servers, 'mcp').map((s) =>
    'command' in s ? { ...s, cwd: resolve(base, s.cwd ?? '.') } : s,
  );
}

/**
 * A tool source (`llmAgent({ toolSources })`) of MCP servers: connected when the member is
 * spawned, in whichever process hosts it, and closed when it stops or its team closes.
 * `llmAgent({ mcp })` is this source.
 */
export function mcpTools(servers: McpServers, options: McpToolboxOptions = {}): ToolSource {
  return async (ctx: MemberContext) => {
    const toolbox = await openMcpToolbox(resolveMcpServers(servers, ctx.dir), options);
    return { tools: mcpToolHandlers(toolbox), close: () => toolbox.close() };
  };
}
