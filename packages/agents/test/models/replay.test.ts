import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createModelClient,
  createUsageLedger,
  isModelError,
  parseCassette,
  teamToolDefinitions,
  type AttemptReport,
  type ModelClient,
  requestDigest,
  type ModelRequest,
} from '../../src/models/index.js';
import { anthropicWire, createTestClock, startLoopbackServer } from '@llm-teams/testkit';
import {
  createFakeBoard,
  driveTurn,
  makeTask,
  oracleOf,
  type TurnOptions,
} from '../support/sim-driver.js';

const tasks = [makeTask('t01'), makeTask('t02')];

describe('cassettes: record and replay', () => {
  let dir: string;
  const clients: ModelClient[] = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'llmt-cassette-'));
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) await c.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const open = (id: string, options: Parameters<typeof createModelClient>[1] = {}) => {
    const c = createModelClient(id, { env: {}, timeScale: 0, ...options });
    clients.push(c);
    return c;
  };
  const turn = (agentId: string, taskId: string): TurnOptions => ({
    agentId,
    instructions: `Implement ${taskId}.`,
    purpose: 'code',
    taskId,
    tasks,
    board: createFakeBoard(),
  });

  async function record(file: string) {
    const reports: AttemptReport[] = [];
    const recorder = open('sim:gemini-3-flash-preview', {
      recordTo: file,
      seed: 3,
      onAttempt: (r) => reports.push(r),
      sim: {
        oracle: oracleOf(tasks),
        mistakeRate: 0.5,
        faults: ({ callIndex, attempt }) =>
          callIndex === 1 && attempt === 1 ? { kind: 'rate_limit', retryAfterMs: 500 } : undefined,
      },
    });
    const runs = await Promise.all([
      driveTurn(recorder, turn('a1', 't01')),
      driveTurn(recorder, turn('a2', 't02')),
    ]);
    await recorder.close();
    clients.splice(clients.indexOf(recorder), 1);
    return { runs, reports };
  }

  it('a replayed run gets the same responses and attempts, with no model behind it', async () => {
    const file = join(dir, 'run.jsonl');
    const original = await record(file);
    const lines = parseCassette(readFileSync(file, 'utf8'), file);
    const calls = original.runs.reduce((n, r) => n + r.responses.length, 0);
    expect(lines).toHaveLength(calls);
    expect(lines[0]).toMatchObject({ v: 2, model: 'sim:gemini-3-flash-preview' });
    expect(lines[0]!.digest).toMatch(/^[0-9a-f]{64}$/);

    const reports: AttemptReport[] = [];
    const ledger = createUsageLedger();
    const replay = open(`replay:${file}`, { onAttempt: (r) => reports.push(r), ledger });
    // Replayed in the other order: matching is per agent and call index.
    const a2 = await driveTurn(replay, turn('a2', 't02'));
    const a1 = await driveTurn(replay, turn('a1', 't01'));
    expect(a1.responses).toEqual(original.runs[0].responses);
    expect(a2.responses).toEqual(original.runs[1].responses);
    expect(a1.responses[1]!.attempts).toBe(2);
    const key = (r: AttemptReport) => `${r.agentId}#${r.callIndex}#${r.attempt}:${r.outcome}`;
    expect(reports.map(key).sort()).toEqual(original.reports.map(key).sort());
    expect(ledger.totals().calls).toBe(calls);
  });

  it('tool results match without their timings, and still differ on what the tools did', () => {
    const request = (content: string): ModelRequest => ({
      system: 's',
      tools: [],
      messages: [
        { role: 'user', content: 'Implement t01.' },
        {
          role: 'assistant',
          content: '',
          toolCalls: [{ id: 'c1', name: 'run_tests', arguments: { taskId: 't01' } }],
        },
        { role: 'tool', toolCallId: 'c1', name: 'run_tests', content },
      ],
      metadata: { agentId: 'a1' },
    });
    const run = (passed: boolean, ms: number, output: string) =>
      requestDigest(
        'sim:gpt-5.2',
        request(JSON.stringify({ passed, taskId: 't01', durationMs: ms, timedOut: false, output })),
      );
    const output = (ms: string, dir: string) =>
      `✔ reverses ASCII (${ms}ms)\nℹ duration_ms ${ms}\n    at file:///tmp/llmt-tests-${dir}/test/t01.test.js:3:9`;
    const recorded = run(true, 412, output('0.61', 'AbC123'));
    expect(run(true, 97, output('1.25', 'XyZ789'))).toBe(recorded);
    expect(run(false, 97, output('1.25', 'XyZ789'))).not.toBe(recorded);
  });

  it('a request that differs from the recording says which call diverged and how', async () => {
    const file = join(dir, 'run.jsonl');
    await record(file);
    const replay = open(`replay:${file}`);
    const changed = { ...turn('a1', 't01'), instructions: 'Implement t01, carefully.' };
    const error = await driveTurn(replay, changed).catch((e: unknown) => e);
    expect(isModelError(error, 'REPLAY_MISMATCH')).toBe(true);
    const message = (error as Error).message;
    expect(message).toContain('agent a1, call #0');
    expect(message).toContain('message 0 differs');
    expect(message).toContain('carefully');

    const unknown = await driveTurn(replay, turn('a9', 't01')).catch((e: unknown) => e);
    expect((unknown as Error).message).toContain('the recording has 0 calls for this agent');
  });

  it('a real provider run replays without keys or network', async () => {
    const server = await startLoopbackServer();
    const file = join(dir, 'anthropic.jsonl');
    const request: ModelRequest = {
      system: 's',
      messages: [{ role: 'user', content: 'hi' }],
      tools: teamToolDefinitions(['run_tests']),
      metadata: { agentId: 'a1' },
    };
    server.reply(
      {
        body: anthropicWire.ok({
          calls: [{ id: 'toolu_1', name: 'run_tests', args: { taskId: 't01' } }],
        }),
      },
      { status: 400, body: anthropicWire.error(400, 'prompt too long') },
    );
    const live = createModelClient('anthropic:claude-sonnet-4-6', {
      env: anthropicWire.env,
      baseURL: server.url,
      clock: createTestClock({ autoFireBelowMs: 60_000 }),
      recordTo: file,
    });
    const first = await live.call(request);
    const second = await live.call(request).catch((e: unknown) => e);
    await live.close();
    await server.close();
    expect(isModelError(second, 'REQUEST_REJECTED')).toBe(true);

    const replay = open(`replay:${file}`);
    expect(await replay.call(request)).toEqual(first);
    const again = await replay.call(request).catch((e: unknown) => e);
    expect(isModelError(again, 'REQUEST_REJECTED')).toBe(true);
  });

  it("a directory replays its cassettes together (a run's and its nodes'), and refuses a call recorded twice", async () => {
    const file = join(dir, 'run.jsonl');
    const original = await record(file);
    // Split as two processes would have recorded it: a1's calls in one file, a2's in another.
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    const of = (agent: string) =>
      lines.filter((l) => (JSON.parse(l) as { key: { agentId: string } }).key.agentId === agent);
    const cassettes = join(dir, 'cassettes');
    mkdirSync(cassettes);
    writeFileSync(join(cassettes, 'director.jsonl'), of('a1').join('\n') + '\n');
    writeFileSync(join(cassettes, 'node-a2.jsonl'), of('a2').join('\n') + '\n');
    writeFileSync(join(cassettes, 'notes.txt'), 'not a cassette');
    const replay = open(`replay:${cassettes}`);
    const a1 = await driveTurn(replay, turn('a1', 't01'));
    const a2 = await driveTurn(replay, turn('a2', 't02'));
    expect(a1.responses).toEqual(original.runs[0].responses);
    expect(a2.responses).toEqual(original.runs[1].responses);

    writeFileSync(join(cassettes, 'stale.jsonl'), of('a2')[0]! + '\n');
    let error: unknown;
    try {
      open(`replay:${cassettes}`);
    } catch (err) {
      error = err;
    }
    expect(isModelError(error) && error.code).toBe('CASSETTE_UNREADABLE');
    expect(String(error)).toMatch(
      /Cassettes node-a2.jsonl and stale.jsonl in .* both hold call 0 of a2/,
    );
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    expect(() => open(`replay:${empty}`)).toThrow(/holds no \*\.jsonl cassette/);
  });

  it('replay honours timeScale with the recorded model time', async () => {
    const file = join(dir, 'run.jsonl');
    const original = await record(file);
    const clock = createTestClock();
    const replay = open(`replay:${file}`, { clock, timeScale: 0.5 });
    const a1 = await driveTurn(replay, turn('a1', 't01'));
    expect(a1.responses).toEqual(original.runs[0].responses);
    expect(clock.delays).toEqual(a1.responses.map((r) => r.latencyMs * 0.5));
  });
});
