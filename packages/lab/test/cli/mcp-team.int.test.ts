import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTrace } from '@llm-teams/runtime';
import { argv, spawnCli, tempDir } from '@llm-teams/testkit';

/**
 * A team of one's own whose member calls MCP tools (`llmAgent({ mcp })`), run from the command
 * line: a stdio server the member's process starts, and a streamable HTTP server this test
 * starts, both real processes speaking MCP through the official SDK.
 */
const TEAM = new URL('./fixtures/mcp-team', import.meta.url).pathname;
const SERVER = new URL('../../../agents/test/fixtures/mcp-calc-server.ts', import.meta.url)
  .pathname;
const TOKEN = 'notes-token';

describe('run --team with a member using MCP tools', { timeout: 120_000 }, () => {
  const dir = tempDir('llmt-mcp-team-');
  let http: ChildProcess;
  let url: string;
  beforeAll(async () => {
    http = spawn(process.execPath, ['--import', 'tsx', SERVER, '--http', '--token', TOKEN], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    url = await new Promise<string>((resolve, reject) => {
      http.once('exit', (code) => reject(new Error(`MCP test server exited with ${code}`)));
      http.stdout!.once('data', (b: Buffer) => resolve(b.toString().trim()));
    });
  });
  afterAll(() => {
    http?.kill();
    dir.cleanup();
  });

  it('the model calls tools over stdio and HTTP; each call is a tool event naming its server and tool', async () => {
    const out = join(dir.dir, 'run');
    const res = await spawnCli(argv`run --team ${TEAM} --seed 1 --out ${out}`, {
      env: { NOTES_MCP_URL: url, NOTES_MCP_TOKEN: TOKEN },
    }).exited;
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain('result "DONE: JetStream adds streams and KV buckets"');
    const tools = parseTrace(readFileSync(join(out, 'trace.jsonl'), 'utf8'))
      .filter((e) => e.kind === 'tool')
      .map((e) => ({
        actor: e.actor,
        name: e['name'],
        outcome: e['outcome'],
        server: e['mcpServer'],
        tool: e['mcpTool'],
      }));
    expect(tools).toEqual([
      { actor: 'researcher', name: 'calc__add', outcome: 'ok', server: 'calc', tool: 'add' },
      { actor: 'researcher', name: 'calc__fail', outcome: 'error', server: 'calc', tool: 'fail' },
      {
        actor: 'researcher',
        name: 'notes__lookup',
        outcome: 'ok',
        server: 'notes',
        tool: 'lookup',
      },
    ]);
  });

  it('a server the member cannot reach stops the run with an error naming the server', async () => {
    const res = await spawnCli(argv`run --team ${TEAM} --out ${join(dir.dir, 'bad')}`, {
      env: { NOTES_MCP_URL: url, NOTES_MCP_TOKEN: 'wrong' },
    }).exited;
    expect(res.code).not.toBe(0);
    expect(res.stderr + res.stdout).toContain(`MCP server notes (${url}) could not be used`);
  });
});
