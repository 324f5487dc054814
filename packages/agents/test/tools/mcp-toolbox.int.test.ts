import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  isAgentsError,
  loadMcpServers,
  mcpToolName,
  openMcpToolbox,
  parseMcpServers,
  type McpServerConfig,
  type McpToolbox,
} from '../../src/index.js';

const SERVER = fileURLToPath(new URL('../fixtures/mcp-calc-server.ts', import.meta.url));
const stdioServer = (
  name = 'calc',
  extra: { tools?: string[]; callTimeoutMs?: number } = {},
): McpServerConfig => ({
  name,
  command: process.execPath,
  args: ['--import', 'tsx', SERVER, '--stdio'],
  ...extra,
});

/** Starts the fixture over HTTP; resolves with its URL once it listens. */
function startHttpServer(token: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', SERVER, '--http', '--token', token], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`MCP test server exited with ${code}`)));
    child.stdout.once('data', (chunk: Buffer) => resolve({ url: chunk.toString().trim(), child }));
  });
}

/** The fixture servers this process started that still run. */
const serverChildren = () =>
  execFileSync('ps', ['-o', 'args=', '--ppid', String(process.pid)], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.includes(SERVER));

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('MCP tools over stdio (a real server process, the official SDK on both ends)', () => {
  let toolbox: McpToolbox;
  beforeAll(async () => {
    toolbox = await openMcpToolbox([stdioServer()]);
  });
  afterAll(() => toolbox?.close());

  it('offers each tool as <server>__<tool> with the JSON Schema the server declares', () => {
    expect(toolbox.tools.map((t) => t.name).sort()).toEqual([
      'calc__add',
      'calc__fail',
      'calc__lookup',
      'calc__slow',
      'calc__whoami',
    ]);
    const add = toolbox.tools.find((t) => t.name === 'calc__add')!;
    expect(add.definition).toEqual({
      name: 'calc__add',
      description: 'Add two numbers.',
      inputSchema: expect.objectContaining({
        type: 'object',
        properties: { a: { type: 'number' }, b: { type: 'number' } },
        required: ['a', 'b'],
      }) as unknown,
    });
  });

  it('a call returns the tool text; an error result and arguments the server refuses come back for the model', async () => {
    expect(await toolbox.call('calc__add', { a: 2, b: 3 })).toEqual({
      content: '5',
      isError: false,
      outcome: 'ok',
      server: 'calc',
      tool: 'add',
    });
    expect(await toolbox.call('calc__lookup', { key: 'nope' })).toMatchObject({
      content: 'no note nope; keys: nats, lamport',
      isError: true,
      outcome: 'error',
    });
    const refused = await toolbox.call('calc__add', { a: 'two' });
    expect(refused).toMatchObject({ isError: true, outcome: 'error' });
    expect(refused.content).toMatch(/Invalid arguments for tool add/);
  });
});

describe('MCP tools: connections and their failures', () => {
  it('reaches a server over streamable HTTP with the configured headers, and not without them', async () => {
    const { url, child } = await startHttpServer('s3cret');
    try {
      const toolbox = await openMcpToolbox([
        {
          name: 'remote',
          url,
          headers: { Authorization: 'Bearer s3cret' },
          tools: ['whoami', 'add'],
        },
      ]);
      try {
        expect(toolbox.tools.map((t) => t.name)).toEqual(['remote__add', 'remote__whoami']);
        const who = await toolbox.call('remote__whoami', {});
        expect(JSON.parse(who.content)).toEqual({ transport: 'http', pid: child.pid });
      } finally {
        await toolbox.close();
      }
      const refused = await openMcpToolbox([{ name: 'remote', url }]).catch((e: unknown) => e);
      expect(isAgentsError(refused, 'MCP_CONNECT_FAILED')).toBe(true);
      expect((refused as Error).message).toContain(`MCP server remote (${url})`);
    } finally {
      child.kill();
    }
  });

  it('close() stops the stdio servers it started', async () => {
    const toolbox = await openMcpToolbox([stdioServer()]);
    const { pid } = JSON.parse((await toolbox.call('calc__whoami', {})).content) as { pid: number };
    expect(alive(pid)).toBe(true);
    await toolbox.close();
    await expect.poll(() => alive(pid)).toBe(false);
    expect(await toolbox.call('calc__add', { a: 1, b: 1 })).toMatchObject({ outcome: 'failed' });
  });

  it('a call past its timeout fails with the reason, and the toolbox keeps working', async () => {
    const toolbox = await openMcpToolbox([stdioServer('calc', { callTimeoutMs: 300 })]);
    try {
      const late = await toolbox.call('calc__slow', { ms: 30_000 });
      expect(late).toMatchObject({
        isError: true,
        outcome: 'failed',
        server: 'calc',
        tool: 'slow',
      });
      expect(late.content).toMatch(/timed out/i);
      expect(await toolbox.call('calc__add', { a: 1, b: 2 })).toMatchObject({ content: '3' });
    } finally {
      await toolbox.close();
    }
  });

  it('a server that cannot start is a named error, and the servers already open are closed', async () => {
    const error = await openMcpToolbox([
      stdioServer('good'),
      { name: 'ghost', command: 'no-such-mcp-server-binary' },
    ]).catch((e: unknown) => e);
    expect(isAgentsError(error, 'MCP_CONNECT_FAILED')).toBe(true);
    expect((error as Error).message).toMatch(/^MCP server ghost \(no-such-mcp-server-binary\)/);
    await expect.poll(serverChildren).toEqual([]);
  });

  it('an allow-list naming a tool the server lacks is refused with what it does list', async () => {
    const error = await openMcpToolbox([stdioServer('calc', { tools: ['add', 'mul'] })]).catch(
      (e: unknown) => e,
    );
    expect((error as Error).message).toMatch(
      /has no tool mul \(it lists add, lookup, fail, slow, whoami\)/,
    );
  });
});

describe('MCP server configuration', () => {
  it('names each problem: a bad name, neither command nor url, a duplicate', () => {
    const problem = (value: unknown) => {
      try {
        parseMcpServers(value);
        return 'accepted';
      } catch (error) {
        return isAgentsError(error, 'INVALID_MCP_CONFIG') ? error.message : String(error);
      }
    };
    expect(problem([{ name: 'has space', command: 'x' }])).toMatch(/0\.name: a server name is/);
    expect(problem([{ name: 'x' }])).toMatch(/^mcp servers: /);
    expect(problem([{ name: 'x', url: 'ftp://host/' }])).toMatch(/^mcp servers: /);
    expect(
      problem([
        { name: 'a', command: 'x' },
        { name: 'a', url: 'http://h/mcp' },
      ]),
    ).toBe('mcp servers: two servers are named a');
    expect(problem([{ name: 'a', command: 'x', args: ['--stdio'] }])).toBe('accepted');
  });

  it("tool names stay within the providers' rules (64 characters of [A-Za-z0-9_-])", () => {
    expect(mcpToolName('docs', 'search.files')).toBe('docs__search_files');
    const long = mcpToolName('server', 'x'.repeat(100));
    expect(long).toMatch(/^server__x+_[0-9a-f]{8}$/);
    expect(long).toHaveLength(64);
    expect(mcpToolName('server', 'x'.repeat(100) + 'y')).not.toBe(long);
  });
});
it('reads the .mcp.json form other MCP clients use, or a list; stdio servers run beside the file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'llmt-mcp-'));
  try {
    const file = join(dir, '.mcp.json');
    writeFileSync(
      file,
      JSON.stringify({
        mcpServers: {
          calc: { command: 'node', args: ['calc.js', '--stdio'], env: { LOG: '1' } },
          docs: { type: 'http', url: 'http://127.0.0.1:9/mcp', headers: { Authorization: 'x' } },
          tools: { command: 'tools-server', cwd: 'sub' },
        },
      }),
    );
    expect(loadMcpServers(file)).toEqual([
      { name: 'calc', command: 'node', args: ['calc.js', '--stdio'], env: { LOG: '1' }, cwd: dir },
      {
        name: 'docs',
        transport: 'http',
        url: 'http://127.0.0.1:9/mcp',
        headers: { Authorization: 'x' },
      },
      { name: 'tools', command: 'tools-server', cwd: join(dir, 'sub') },
    ]);
    writeFileSync(file, JSON.stringify([{ name: 'calc', command: 'node' }]));
    expect(loadMcpServers(file)).toEqual([{ name: 'calc', command: 'node', cwd: dir }]);
    writeFileSync(file, JSON.stringify({ servers: {} }));
    expect(() => loadMcpServers(file)).toThrow(/expected \{ "mcpServers"/);
    writeFileSync(file, JSON.stringify({ mcpServers: { calc: { args: [] } } }));
    expect(() => loadMcpServers(file)).toThrow(`${file}: `);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
