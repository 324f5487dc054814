import { createHash } from 'node:crypto';
import {
  Client,
  StreamableHTTPClientTransport,
  type CallToolResult,
  type Tool,
  type Transport,
} from '@modelcontextprotocol/client';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { AgentsError } from '../../agents-error.js';
import type { ToolDefinition } from '../../models/index.js';
import { parseMcpServers, type McpServerConfig } from './mcp-config.js';

/** One tool of an MCP server, as the model is offered it. */
export interface McpTool {
  /** What the model calls it: `<server>__<tool>` (letters, digits, `_`, `-`; at most 64). */
  readonly name: string;
  readonly server: string;
  /** The tool's own name on its server. */
  readonly tool: string;
  readonly definition: ToolDefinition;
}

/** How one call went: `ok`; `error` (the tool answered with an error result, for the model
 *  to read); `failed` (no answer: the server is gone, the call timed out, a protocol error). */
export type McpCallOutcome = 'ok' | 'error' | 'failed';

export interface McpCallResult {
  /** The result for the model: the tool's text content (non-text parts summarized). */
  content: string;
  isError: boolean;
  outcome: McpCallOutcome;
  server: string;
  tool: string;
}

/** The tools of a set of connected MCP servers. */
export interface McpToolbox {
  readonly tools: readonly McpTool[];
  has(name: string): boolean;
  /** Calls a tool by its model-facing name. Never throws for what the server does: a tool
   *  error or a failure comes back as a result the model can read. */
  call(name: string, args: unknown, options?: { signal?: AbortSignal }): Promise<McpCallResult>;
  /** Closes every connection (and stops the stdio servers it started). */
  close(): Promise<void>;
}

export interface McpToolboxOptions {
  /** How long connecting and listing tools may take, per server. Default 15000. */
  connectTimeoutMs?: number;
  /** Default of each server's `callTimeoutMs`. Default 60000. */
  callTimeoutMs?: number;
  /** The client's name and version sent to servers. Default `llm-teams` 0.1.0. */
  clientInfo?: { name: string; version: string };
}

const MAX_NAME = 64;

/** `<server>__<tool>` within the providers' function-name rules; long names keep a hash. */
export function mcpToolName(server: string, tool: string): string {
  const name = `${server}__${tool.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  if (name.length <= MAX_NAME) return name;
  const hash = createHash('sha256').update(`${server}\0${tool}`).digest('hex').slice(0, 8);
  return `${name.slice(0, MAX_NAME - 9)}_${hash}`;
}

/** The text of a tool result's content parts; what is not text is named, not inlined. */
export function mcpContentText(
  result: Pick<CallToolResult, 'content' | 'structuredContent'>,
): string {
  const texts = result.content.map((part) => {
    switch (part.type) {
      case 'text':
        return part.text;
      case 'image':
      case 'audio':
        return `[${part.type} ${part.mimeType}, ${part.data.length} base64 chars]`;
      case 'resource':
        return 'text' in part.resource ? part.resource.text : `[resource ${part.resource.uri}]`;
      case 'resource_link':
        return `[resource ${part.uri}]`;
      default:
        return JSON.stringify(part);
    }
  });
  if (texts.length === 0 && result.structuredContent !== undefined) {
    return JSON.stringify(result.structuredContent);
  }
  return texts.join('\n');
}

interface Connection {
  config: McpServerConfig;
  client: Client;
  stderr: string[];
  callTimeoutMs: number;
}

function transportFor(config: McpServerConfig, stderr: string[]): Transport {
  if ('url' in config) {
    return new StreamableHTTPClientTransport(new URL(config.url), {
      ...(config.headers ? { requestInit: { headers: config.headers } } : {}),
    });
  }
  const transport = new StdioClientTransport({
    command: config.command,
    args: config.args ?? [],
    env: { ...getDefaultEnvironment(), ...config.env },
    ...(config.cwd === undefined ? {} : { cwd: config.cwd }),
    stderr: 'pipe',
  });
  // The server's own log: kept (the last lines) for errors that name why it failed.
  transport.stderr?.on('data', (chunk: Buffer) => {
    stderr.push(...chunk.toString().split('\n').filter(Boolean));
    stderr.splice(0, Math.max(0, stderr.length - 20));
  });
  return transport;
}

function where(config: McpServerConfig): string {
  return 'url' in config
    ? `MCP server ${config.name} (${config.url})`
    : `MCP server ${config.name} (${[config.command, ...(config.args ?? [])].join(' ')})`;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function connect(
  config: McpServerConfig,
  options: McpToolboxOptions,
): Promise<{ connection: Connection; tools: McpTool[] }> {
  const stderr: string[] = [];
  const client = new Client(options.clientInfo ?? { name: 'llm-teams', version: '0.1.0' });
  const timeout = options.connectTimeoutMs ?? 15_000;
  try {
    await client.connect(transportFor(config, stderr), { timeout });
    const listed: Tool[] = [];
    let cursor: string | undefined;
    do {
      const page = await client.listTools(cursor === undefined ? {} : { cursor }, { timeout });
      listed.push(...page.tools);
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    const allowed = config.tools;
    const missing = allowed?.filter((t) => !listed.some((l) => l.name === t)) ?? [];
    if (missing.length > 0) {
      throw new Error(
        `it has no tool ${missing.join(', ')} (it lists ${listed.map((t) => t.name).join(', ') || 'none'})`,
      );
    }
    const tools = listed
      .filter((t) => allowed === undefined || allowed.includes(t.name))
      .map((t): McpTool => {
        const name = mcpToolName(config.name, t.name);
        const { $schema: _, ...inputSchema } = t.inputSchema as Record<string, unknown>;
        return {
          name,
          server: config.name,
          tool: t.name,
          definition: {
            name,
            description: t.description ?? t.title ?? `${t.name} (MCP server ${config.name})`,
            inputSchema,
          },
        };
      });
    const callTimeoutMs = config.callTimeoutMs ?? options.callTimeoutMs ?? 60_000;
    return { connection: { config, client, stderr, callTimeoutMs }, tools };
  } catch (error) {
    await client.close().catch(() => undefined);
    const log = stderr.length > 0 ? `; its last output: ${stderr.slice(-5).join(' | ')}` : '';
    throw new AgentsError(
      'MCP_CONNECT_FAILED',
      `${where(config)} could not be used: ${describe(error)}${log}`,
      { cause: error },
    );
  }
}

/**
 * Connects to each MCP server (starting the stdio ones) and lists its tools, through the
 * official MCP TypeScript SDK. Fails as a whole, closing what it opened, if one server cannot
 * be reached or two tools would get one name.
 */
export async function openMcpToolbox(
  servers: readonly McpServerConfig[],
  options: McpToolboxOptions = {},
): Promise<McpToolbox> {
  const configs = parseMcpServers(servers);
  const settled = await Promise.allSettled(configs.map((c) => connect(c, options)));
  const connections = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const closeAll = () =>
    Promise.all(connections.map((c) => c.connection.client.close().catch(() => undefined)));
  const failed = settled.find((s) => s.status === 'rejected');
  if (failed) {
    await closeAll();
    throw failed.reason;
  }
  const byName = new Map<string, { tool: McpTool; connection: Connection }>();
  for (const { connection, tools } of connections) {
    for (const tool of tools) {
      const other = byName.get(tool.name);
      if (other) {
        await closeAll();
        throw new AgentsError(
          'INVALID_MCP_CONFIG',
          `two MCP tools are both named ${tool.name} (${other.tool.server}:${other.tool.tool} and ${tool.server}:${tool.tool})`,
        );
      }
      byName.set(tool.name, { tool, connection });
    }
  }

  let closed = false;
  return {
    tools: [...byName.values()].map((e) => e.tool),
    has: (name) => byName.has(name),
    async call(name, args, callOptions = {}) {
      const entry = byName.get(name);
      if (!entry) {
        throw new AgentsError('INVALID_MCP_CONFIG', `no MCP tool is named ${name}`);
      }
      const { tool, connection } = entry;
      const base = { server: tool.server, tool: tool.tool };
      if (closed) {
        return {
          ...base,
          content: `${name}: the MCP connection is closed`,
          isError: true,
          outcome: 'failed',
        };
      }
      try {
        const result = await connection.client.callTool(
          { name: tool.tool, arguments: (args ?? {}) as Record<string, unknown> },
          {
            timeout: connection.callTimeoutMs,
            ...(callOptions.signal ? { signal: callOptions.signal } : {}),
          },
        );
        const isError = result.isError === true;
        return {
          ...base,
          content: mcpContentText(result),
          isError,
          outcome: isError ? 'error' : 'ok',
        };
      } catch (error) {
        const log =
          connection.stderr.length > 0
            ? ` (server output: ${connection.stderr.slice(-3).join(' | ')})`
            : '';
        return {
          ...base,
          content: `${where(connection.config)} did not answer ${tool.tool}: ${describe(error)}${log}`,
          isError: true,
          outcome: 'failed',
        };
      }
    },
    async close() {
      closed = true;
      await closeAll();
    },
  };
}
