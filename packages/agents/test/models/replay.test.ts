import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
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
  type ModelRequest,
} from '../../src/models/index.js';
import { startLoopbackServer } from '../support/loopback-server.js';
import { anthropicWire } from '../support/provider-wire.js';
import {
  createFakeBoard,
  driveTurn,
  makeTask,
  oracleOf,
  type TurnOptions,
} from '../support/sim-driver.js';
import { createTestClock } from '../support/test-clock.js';

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
    expect(lines[0]).toMatchObject({ v: 1, model: 'sim:gemini-3-flash-preview' });
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
