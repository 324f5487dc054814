import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { AgentsError } from '../../agents-error.js';

const serverName = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,32}$/, 'a server name is 1 to 32 letters, digits, "_" or "-"');

const common = {
  /** Names the server's tools for the model (`<name>__<tool>`) and in the trace. */
  name: serverName,
  /** Only these of the server's tools are offered (default: all it lists). */
  tools: z.array(z.string().min(1)).min(1).optional(),
  /** How long one tool call may take. Default 60000. */
  callTimeoutMs: z.number().int().positive().max(3_600_000).optional(),
};

/** An MCP server started as a child process, speaking over its stdin / stdout. */
export const mcpStdioServerSchema = z
  .object({
    ...common,
    transport: z.literal('stdio').optional(),
    command: z.string().min(1),
    args: z.array(z.string()).optional(),
    /** Added to a minimal inherited environment (PATH, HOME, ...: the SDK's default). */
    env: z.record(z.string(), z.string()).optional(),
    cwd: z.string().min(1).optional(),
  })
  .strict();

/** An MCP server reached over streamable HTTP. */
export const mcpHttpServerSchema = z
  .object({
    ...common,
    transport: z.literal('http').optional(),
    url: z.url({ protocol: /^https?$/ }),
    /** Sent with every request (an `Authorization` header, for one). */
    headers: z.record(z.string(), z.string()).optional(),
  })
  .strict();

export const mcpServerSchema = z.union([mcpStdioServerSchema, mcpHttpServerSchema]);

/** One MCP server an agent uses: `{ name, command, args?, env?, cwd? }` (stdio) or
 *  `{ name, url, headers? }` (streamable HTTP), with an optional `tools` allow-list. */
export type McpServerConfig = z.input<typeof mcpServerSchema>;

/**
 * Checks a list of server configurations (from a team file or the CLI): each well formed,
 * names unique. Throws `AgentsError('INVALID_MCP_CONFIG')` naming the server and the problem.
 */
export function parseMcpServers(value: unknown, where = 'mcp servers'): McpServerConfig[] {
  const parsed = z.array(mcpServerSchema).safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((i) => `${i.path.length > 0 ? i.path.join('.') : '(list)'}: ${i.message}`)
      .join('; ');
    throw new AgentsError('INVALID_MCP_CONFIG', `${where}: ${problems}`);
  }
  const seen = new Set<string>();
  for (const server of parsed.data) {
    if (seen.has(server.name)) {
      throw new AgentsError('INVALID_MCP_CONFIG', `${where}: two servers are named ${server.name}`);
    }
    seen.add(server.name);
  }
  return parsed.data;
}

/** A server in the `mcpServers` map of an `.mcp.json` file: stdio, or `type: "http"`. */
const mcpJsonEntrySchema = z.looseObject({
  type: z.enum(['stdio', 'http', 'streamable-http']).optional(),
});

/**
 * Reads MCP servers from a JSON file, in either form: the `.mcp.json` form other MCP clients
 * use, `{ "mcpServers": { "<name>": { "command", "args", "env", "cwd" } | { "type": "http",
 * "url", "headers" } } }`, or a list of `McpServerConfig`. A stdio server runs in the file's
 * directory unless it names a `cwd` (relative to that directory).
 */
export function loadMcpServers(file: string): McpServerConfig[] {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new AgentsError(
      'INVALID_MCP_CONFIG',
      `cannot read MCP servers from ${file}: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  const map = (value as { mcpServers?: unknown } | null)?.mcpServers;
  if (!Array.isArray(value) && (typeof map !== 'object' || map === null)) {
    throw new AgentsError(
      'INVALID_MCP_CONFIG',
      `${file}: expected { "mcpServers": { "<name>": { ... } } } or a list of servers`,
    );
  }
  const list: unknown[] = Array.isArray(value)
    ? value
    : Object.entries(map as object).map(([name, entry]) => {
        const parsed = mcpJsonEntrySchema.safeParse(entry);
        if (!parsed.success) return { name, ...(entry as object) };
        const { type, ...rest } = parsed.data;
        return type === 'http' || type === 'streamable-http'
          ? { name, transport: 'http', ...rest }
          : { name, ...rest };
      });
  const base = dirname(resolve(file));
  return parseMcpServers(list, file).map((server) =>
    'command' in server ? { ...server, cwd: resolve(base, server.cwd ?? '.') } : server,
  );
}
