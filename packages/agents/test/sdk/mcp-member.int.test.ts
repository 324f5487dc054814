import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NatsConnection } from '@llm-teams/broker';
import { defineTeam, llmAgent, runDefinedTeam } from '@llm-teams/agents';
import { createMemoryTrace } from '@llm-teams/runtime';
import { startNatsFixture, tempDir, type NatsFixture } from '@llm-teams/testkit';

const SERVER = fileURLToPath(new URL('../fixtures/mcp-calc-server.ts', import.meta.url));
const AGENTS = fileURLToPath(new URL('../..', import.meta.url));

/** The test MCP servers this process started that still run. */
const serverChildren = () =>
  execFileSync('ps', ['-o', 'args=', '--ppid', String(process.pid)], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.includes(SERVER));

describe('an llmAgent with MCP servers', () => {
  let nats: NatsFixture;
  let nc: NatsConnection;
  const dir = tempDir('llmt-mcp-member-');
  beforeEach(async () => {
    nats = await startNatsFixture();
    nc = await nats.connect();
  });
  afterEach(async () => {
    await nats.close();
    dir.cleanup();
  });

  it('starts its stdio server when the member is spawned, calls it, and stops it when the run is over', async () => {
    writeFileSync(
      join(dir.dir, 'script.yaml'),
      [
        'rules:',
        '  - when: { turn: 0 }',
        "    reply: { text: 'adding', tools: [{ name: calc__add, arguments: { a: 40, b: 2 } }] }",
        "  - when: { tool: calc__add, last: '(\\d+)' }",
        "    reply: { text: 'sum $1' }",
      ].join('\n'),
    );
    const definition = defineTeam({
      name: 'mcp-member',
      model: 'script:./script.yaml',
      members: {
        adder: llmAgent({
          system: 'You add.',
          mcp: [
            {
              name: 'calc',
              command: process.execPath,
              args: ['--import', 'tsx', SERVER, '--stdio'],
              // Where tsx resolves (a stdio server runs in the team's directory by default).
              cwd: AGENTS,
            },
          ],
          onStart: () => 'Add 40 and 2.',
          done: ({ text }) => ({ to: 'director', type: 'team.done', body: { result: text } }),
        }),
      },
    });
    const trace = createMemoryTrace();
    let whileRunning: string[] = [];
    const result = await runDefinedTeam({
      nc,
      definition,
      dir: dir.dir,
      seed: 1,
      trace,
      deadlineMs: 30_000,
      onStarted: () => {
        whileRunning = serverChildren();
      },
    });
    expect(result.status, result.reason).toBe('completed');
    expect(result.output).toBe('sum 42');
    expect(whileRunning).toHaveLength(1);
    expect(serverChildren()).toEqual([]);
    const calls = trace.events.filter((e) => e.kind === 'tool');
    expect(calls).toMatchObject([
      { actor: 'adder', name: 'calc__add', outcome: 'ok', mcpServer: 'calc', mcpTool: 'add' },
    ]);
  });
});
