/**
 * The simulated model's specification: tools, scripts, calibration, seeds and time, faults,
 * budget.
 * Long file: one describe per facet over the same helpers; read as the model's documentation.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  createModelClient,
  createUsageLedger,
  isModelError,
  simProfile,
  type AttemptReport,
  type ModelClient,
  type ModelClientOptions,
  type SimFault,
  teamToolDefinitions,
} from '../../src/models/index.js';
import { systemClock, type Clock } from '@llm-teams/runtime';
import type { TaskSpec } from '../../src/task-spec.js';
import { actions, createFakeBoard, driveTurn, makeTask, oracleOf } from '../support/sim-driver.js';
import { createTestClock } from '@llm-teams/testkit';

const tasks = [makeTask('t01'), makeTask('t02', ['t01']), makeTask('t03', [], 3)];
const clients: ModelClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) await c.close();
});

function sim(options: ModelClientOptions = {}, model = 'claude-sonnet-4-6'): ModelClient {
  const c = createModelClient(`sim:${model}`, {
    env: {},
    timeScale: 0,
    seed: 'test',
    ...options,
    sim: { oracle: oracleOf(tasks), ...options.sim },
  });
  clients.push(c);
  return c;
}

const codeTurn = (taskId: string, agentId = 'a1') => ({
  agentId,
  instructions: `Implement ${taskId}.`,
  purpose: 'code' as const,
  taskId,
  tasks,
  board: createFakeBoard(),
});

describe('simulated model: acting through tools', () => {
  it('writes the reference, tests, completes and tells the team', async () => {
    const turn = codeTurn('t01');
    const { responses } = await driveTurn(sim({ sim: { mistakeRate: 0 } }), turn);
    expect(actions(responses)).toEqual([
      'write_file',
      'run_tests',
      'complete_task',
      'send_message',
      'text',
    ]);
    expect(turn.board.files.get('src/t01.js')).toBe(tasks[0]!.reference['src/t01.js']);
    expect(turn.board.done.has('t01')).toBe(true);
    expect(turn.board.messages[0]).toMatchObject({ from: 'a1', to: 'all' });
    expect(responses.every((r) => r.model === 'sim:claude-sonnet-4-6')).toBe(true);
    expect(responses[0]!.stopReason).toBe('tool_use');
    expect(responses[4]!.stopReason).toBe('end');
  });

  it('a mistake fails the tests and needs a fix-up turn', async () => {
    const turn = codeTurn('t01');
    const { responses } = await driveTurn(
      sim({ sim: { mistakeRate: 1, maxMistakesPerTask: 2 } }),
      turn,
    );
    expect(actions(responses).slice(0, 7)).toEqual([
      'write_file',
      'run_tests',
      'write_file',
      'run_tests',
      'write_file',
      'run_tests',
      'complete_task',
    ]);
    expect(turn.board.testRuns.get('t01')).toEqual([false, false, true]);
    expect(responses[2]!.text).toContain('Fixing');
  });

  it('after a refused write it reads the file and writes again', async () => {
    const turn = codeTurn('t01');
    turn.board.refuseWrites.add('src/t01.js');
    const { responses } = await driveTurn(sim({ sim: { mistakeRate: 0 } }), turn);
    expect(actions(responses).slice(0, 4)).toEqual([
      'write_file',
      'read_file',
      'write_file',
      'run_tests',
    ]);
    expect(turn.board.done.has('t01')).toBe(true);
  });

  it('claims the first named task it can get in a coordination turn', async () => {
    const board = createFakeBoard();
    board.claims.set('t03', 'a2');
    const { responses } = await driveTurn(sim(), {
      agentId: 'a1',
      instructions: 'Ready tasks, critical path first: t03, t01. Claim one.',
      purpose: 'coordinate',
      tasks,
      board,
    });
    expect(actions(responses)).toEqual(['claim_task', 'claim_task', 'text']);
    expect(responses.map((r) => r.toolCalls[0]?.arguments)).toEqual([
      { taskId: 't03' },
      { taskId: 't01' },
      undefined,
    ]);
    expect(board.claims.get('t01')).toBe('a1');
  });

  it('a coding turn with no task claims one and then does it', async () => {
    const board = createFakeBoard();
    const { responses } = await driveTurn(
      sim({ sim: { mistakeRate: 0, announceCompletion: false } }),
      {
        agentId: 'a1',
        instructions: 'Pick a ready task (t02) and do it.',
        purpose: 'code',
        tasks,
        board,
      },
    );
    expect(actions(responses)).toEqual([
      'claim_task',
      'write_file',
      'run_tests',
      'complete_task',
      'text',
    ]);
    expect(board.done.has('t02')).toBe(true);
  });

  it('claims its assigned task first when told to, and stops if the claim is refused', async () => {
    const told = { ...codeTurn('t01'), instructions: 'Claim t01, then implement it.' };
    const { responses } = await driveTurn(sim({ sim: { mistakeRate: 0 } }), told);
    expect(actions(responses).slice(0, 3)).toEqual(['claim_task', 'write_file', 'run_tests']);
    expect(told.board.done.has('t01')).toBe(true);

    const taken = { ...codeTurn('t01', 'a2'), instructions: 'Claim t01, then implement it.' };
    taken.board.claims.set('t01', 'a1');
    const refused = await driveTurn(sim(), taken);
    expect(actions(refused.responses)).toEqual(['claim_task', 'text']);
    expect(refused.responses[1]!.text).toContain('Could not claim t01');
    expect(taken.board.files.size).toBe(0);
  });

  it('reviews by reading the files and running the tests; without errors it approves exactly the reference', async () => {
    const board = createFakeBoard();
    board.files.set('src/t01.js', tasks[0]!.reference['src/t01.js']!);
    const review = {
      agentId: 'r1',
      instructions: 'Review t01.',
      purpose: 'review' as const,
      taskId: 't01',
      tasks,
      board,
    };
    const exact = { sim: { review: { falseAcceptRate: 0, falseRejectRate: 0 } } };
    const ok = await driveTurn(sim(exact), review);
    expect(actions(ok.responses)).toEqual(['read_file', 'run_tests', 'text']);
    expect(ok.responses[2]!.text).toMatch(/^APPROVE/);
    board.files.set('src/t01.js', 'export const t01 = () => 42;\n');
    const bad = await driveTurn(sim(exact), { ...review, agentId: 'r2' });
    expect(bad.responses[2]!.text).toMatch(/^REJECT/);
  });

  it(
    'a reviewer errs at its rates: approves wrong versions and rejects right ones',
    { timeout: 60_000 },
    async () => {
      const verdicts = async (right: boolean) => {
        const c = sim({
          seed: 'reviews',
          sim: { review: { falseAcceptRate: 0.3, falseRejectRate: 0.1 } },
        });
        let approved = 0;
        for (let i = 0; i < 150; i++) {
          const board = createFakeBoard();
          board.files.set('src/t01.js', right ? tasks[0]!.reference['src/t01.js']! : 'wrong\n');
          const { responses } = await driveTurn(c, {
            agentId: `r${i}`,
            instructions: 'Review t01.',
            purpose: 'review',
            taskId: 't01',
            tasks,
            board,
          });
          if (/^APPROVE/.test(responses[responses.length - 1]!.text)) approved++;
        }
        return approved / 150;
      };
      expect(Math.abs(1 - (await verdicts(true)) - 0.1)).toBeLessThan(0.06);
      expect(Math.abs((await verdicts(false)) - 0.3)).toBeLessThan(0.09);
    },
  );

  it("with draws keyed by task, as a team's are, each reviewer of each vote draws its own verdict", async () => {
    // Keyed by the task and turn alone, every review of t01 would draw one verdict: a right
    // version misread once would be misread by every reviewer of every vote.
    const c = sim({
      seed: 'votes',
      randomKey: 'task',
      sim: { review: { falseAcceptRate: 0, falseRejectRate: 0.5 } },
    });
    const board = createFakeBoard();
    board.files.set('src/t01.js', tasks[0]!.reference['src/t01.js']!);
    const verdict = async (vote: number, agentId: string) => {
      const { responses } = await driveTurn(c, {
        agentId,
        instructions: 'Review t01.',
        purpose: 'review',
        taskId: 't01',
        tasks,
        board,
        drawKey: `review:t01#${vote}:${agentId}`,
      });
      return responses.at(-1)!.text.slice(0, 6);
    };
    const verdicts: string[] = [];
    for (let vote = 1; vote <= 10; vote++)
      for (const r of ['r1', 'r2']) verdicts.push(await verdict(vote, r));
    const approved = verdicts.filter((v) => v === 'APPROV').length;
    expect(approved).toBeGreaterThan(3);
    expect(approved).toBeLessThan(17);
    // Still seeded: the same review draws the same verdict.
    expect(await verdict(4, 'r2')).toBe(verdicts[7]);
  });

  it("a wrong version is one of the task's catalogued mistakes, its other files the reference", async () => {
    const two: TaskSpec = {
      ...makeTask('t09'),
      files: ['src/a.js', 'src/b.js'],
      reference: { 'src/a.js': 'export const a = 1;\n', 'src/b.js': 'export const b = 2;\n' },
      mistakes: [
        { kind: 'off-by-one', note: 'a is 2', files: { 'src/a.js': 'export const a = 2;\n' } },
        { kind: 'wrong-type', note: 'b is text', files: { 'src/b.js': "export const b = '2';\n" } },
      ],
    };
    const seen = new Set<string>();
    for (let seed = 0; seed < 12; seed++) {
      const c = createModelClient('sim:gpt-5.2', {
        env: {},
        timeScale: 0,
        seed,
        sim: { oracle: oracleOf([two]), mistakeRate: 1 },
      });
      clients.push(c);
      const res = await c.call({
        system: '',
        messages: [{ role: 'user', content: 'Do t09' }],
        tools: teamToolDefinitions(),
        metadata: { agentId: 'a1', taskId: 't09', purpose: 'code' },
      });
      const written = Object.fromEntries(
        res.toolCalls.map((call) => {
          const args = call.arguments as { path: string; content: string };
          return [args.path, args.content];
        }),
      );
      const match = two.mistakes!.find(
        (m) => JSON.stringify({ ...two.reference, ...m.files }) === JSON.stringify(written),
      );
      expect(match, JSON.stringify(written)).toBeDefined();
      seen.add(match!.kind);
    }
    expect([...seen].sort()).toEqual(['off-by-one', 'wrong-type']);
  });

  it("teammates' messages in a request cost input tokens on top of the calibrated draw", async () => {
    const request = (peers: boolean) => ({
      system: '',
      messages: [
        {
          role: 'user' as const,
          content: `Status?${peers ? '\n\n## Messages to you\n- from a2: Done: t01 (src/t01.js).\n- from a3: I am on t02.' : ''}`,
        },
      ],
      tools: teamToolDefinitions(),
      metadata: { agentId: 'a1', purpose: 'coordinate' as const },
    });
    const tokens = async (peers: boolean, perChar?: number) => {
      const c = sim({
        seed: 'ctx',
        sim: perChar === undefined ? {} : { peerTokensPerChar: perChar },
      });
      return (await c.call(request(peers))).usage.inputTokens;
    };
    const lines = '- from a2: Done: t01 (src/t01.js).'.length + '- from a3: I am on t02.'.length;
    expect((await tokens(true)) - (await tokens(false))).toBe(Math.round(lines * 0.25));
    expect(await tokens(true, 0)).toBe(await tokens(false, 0));
  });

  it('coordination replies are short text when there is nothing to claim', async () => {
    const { responses } = await driveTurn(sim(), {
      agentId: 'a1',
      instructions: 'Status?',
      purpose: 'coordinate',
      tasks,
      board: createFakeBoard(),
    });
    expect(actions(responses)).toEqual(['text']);
  });

  it('working on a task without an oracle is a clear error', async () => {
    const c = createModelClient('sim:gpt-5.2', { env: {}, timeScale: 0 });
    clients.push(c);
    const error = await driveTurn(c, codeTurn('t01')).catch((e: unknown) => e);
    expect(isModelError(error, 'MISSING_ORACLE')).toBe(true);
  });
});

describe('simulated model: in a script', () => {
  it('an awaited reply holds the process open, as an open request to a provider does', async () => {
    const timers: NodeJS.Timeout[] = [];
    const clock: Clock = {
      ...systemClock,
      setTimeout: (fn, ms) => {
        const timer = systemClock.setTimeout(fn, ms) as NodeJS.Timeout;
        timers.push(timer);
        return timer;
      },
    };
    const c = sim({ timeScale: 1, clock });
    const reply = c
      .call({ system: 's', messages: [{ role: 'user', content: 'Status?' }], tools: [] })
      .catch((e: unknown) => e);
    await vi.waitFor(() => expect(timers).toHaveLength(1));
    // An unref'd wait let a script's `await model.call(...)` exit early (code 13).
    expect(timers[0]!.hasRef()).toBe(true);
    await c.close();
    expect(isModelError(await reply, 'ABORTED')).toBe(true);
  });
});

describe('simulated model: calibration', () => {
  it('latency follows the calibrated percentiles', () => {
    const p = simProfile('claude-sonnet-4-6');
    expect(p.latencyMs(0.1)).toBe(1180);
    expect(p.latencyMs(0.5)).toBe(3490);
    expect(p.latencyMs(0.9)).toBe(33_380);
    expect(p.latencyMs(0.995)).toBe(48_330);
    expect(p.latencyMs(0)).toBeGreaterThan(0);
    expect(p.outputTokens(0.5)).toBe(1444);
    expect(p.inputTokens(0.5)).toBe(5041);
  });

  it('derives the mistake rate from failed test runs per successful run', () => {
    const perTask = 3.53 / 20;
    expect(simProfile('claude-sonnet-4-6').mistakeRate('preassign')).toBeCloseTo(
      perTask / (1 + perTask),
      12,
    );
    const dec = 42.37 / 20;
    expect(simProfile('gemini-3-flash-preview').mistakeRate('decentralized')).toBeCloseTo(
      dec / (1 + dec),
      12,
    );
  });

  it('coding replies are slow and long, coordination replies fast and short', async () => {
    const { responses } = await driveTurn(sim({ sim: { mistakeRate: 0 } }), codeTurn('t01'));
    const median = simProfile('claude-sonnet-4-6').latencyMs(0.5);
    const [write, ...rest] = responses;
    expect(write!.latencyMs).toBeGreaterThanOrEqual(median);
    expect(write!.usage.outputTokens).toBeGreaterThanOrEqual(1444);
    for (const r of rest) {
      expect(r.latencyMs).toBeLessThanOrEqual(median);
      expect(r.usage.outputTokens).toBeLessThanOrEqual(1444);
    }
  });

  it('a heavier task takes proportionally longer to write', async () => {
    const light = await driveTurn(sim({ seed: 5, sim: { mistakeRate: 0 } }), codeTurn('t01'));
    const heavy = await driveTurn(sim({ seed: 5, sim: { mistakeRate: 0 } }), codeTurn('t03'));
    // Same seed, agent and call index: same quantile, scaled by weight 3.
    expect(heavy.responses[0]!.latencyMs).toBeCloseTo(3 * light.responses[0]!.latencyMs, -1);
  });

  it('the share of wrong first versions matches the calibrated rate', async () => {
    const many = Array.from({ length: 400 }, (_, i) => makeTask(`m${i}`));
    const c = createModelClient('sim:gpt-5.2', {
      env: {},
      timeScale: 0,
      seed: 1,
      sim: { oracle: oracleOf(many) },
    });
    clients.push(c);
    let wrong = 0;
    for (const task of many) {
      const res = await c.call({
        system: '',
        messages: [{ role: 'user', content: `Do ${task.id}` }],
        tools: (await import('../../src/models/index.js')).teamToolDefinitions(),
        metadata: { agentId: task.id, taskId: task.id, purpose: 'code' },
      });
      const content = (res.toolCalls[0]!.arguments as { content: string }).content;
      if (content !== task.reference[task.files[0]!]) wrong++;
    }
    const q = simProfile('gpt-5.2').mistakeRate('preassign');
    expect(Math.abs(wrong / many.length - q)).toBeLessThan(0.06);
  });
});

describe('simulated model: seeds and time', () => {
  const run = async (seed: string, order: 'parallel' | 'serial') => {
    const c = sim({ seed }, 'gpt-5.2');
    const turns = ['a1', 'a2', 'a3'].map((agentId, i) => ({ ...codeTurn(tasks[i]!.id, agentId) }));
    const results =
      order === 'parallel'
        ? await Promise.all(turns.map((t) => driveTurn(c, t)))
        : await turns.reduce<Promise<Awaited<ReturnType<typeof driveTurn>>[]>>(
            async (acc, t) => [...(await acc), await driveTurn(c, t)],
            Promise.resolve([]),
          );
    return results.map((r) =>
      r.responses.map((x) => ({ latency: x.latencyMs, usage: x.usage, calls: x.toolCalls })),
    );
  };

  it('the same seed gives the same latencies, tokens and mistakes, however agents interleave', async () => {
    const a = await run('s1', 'parallel');
    const b = await run('s1', 'serial');
    expect(b).toEqual(a);
    const c = await run('s2', 'parallel');
    expect(c).not.toEqual(a);
  });

  it('timeScale compresses the waits; responses report model time', async () => {
    const clock = createTestClock();
    const c = sim({ clock, timeScale: 0.001, sim: { mistakeRate: 0 } });
    const { responses } = await driveTurn(c, codeTurn('t01'));
    const modelMs = responses.map((r) => r.latencyMs);
    expect(clock.delays).toEqual(modelMs.map((ms) => ms * 0.001));
    expect(modelMs.every((ms) => ms > 100)).toBe(true);
  });

  it('close() aborts a call that is waiting out its latency', async () => {
    const clock = createTestClock();
    const c = sim({ clock, timeScale: 1 });
    const pending = driveTurn(c, codeTurn('t01')).catch((e: unknown) => e);
    await clock.waitForTimer(() => true);
    await c.close();
    expect(isModelError(await pending, 'ABORTED')).toBe(true);
    await expect(c.call({ system: '', messages: [], tools: [] })).rejects.toThrow(/closed/);
  });

  it('timeScale 0 sets no timer at all', async () => {
    const clock = createTestClock();
    await driveTurn(sim({ clock, timeScale: 0 }), codeTurn('t01'));
    expect(clock.delays).toEqual([]);
  });
});

describe('simulated model: injected faults', () => {
  const faulty = (
    fault: (call: { attempt: number; callIndex: number }) => SimFault | undefined,
  ) => {
    const reports: AttemptReport[] = [];
    const c = sim({
      onAttempt: (r) => reports.push(r),
      sim: { mistakeRate: 0, faults: (call) => fault(call) },
      retry: { initialDelayMs: 100 },
    });
    return { c, reports };
  };

  it('rate limits and server errors go through the retry machinery', async () => {
    const { c, reports } = faulty(({ attempt, callIndex }) =>
      callIndex === 0 && attempt === 1
        ? { kind: 'rate_limit', retryAfterMs: 2000 }
        : callIndex === 0 && attempt === 2
          ? { kind: 'server_error' }
          : undefined,
    );
    const { responses } = await driveTurn(c, codeTurn('t01'));
    expect(responses[0]!.attempts).toBe(3);
    expect(reports.slice(0, 3).map((r) => r.outcome)).toEqual([
      'rate_limited',
      'server_error',
      'ok',
    ]);
    expect(reports[0]).toMatchObject({ retryAfterMs: 2000, delayMs: 2000 });
    // Model time includes the failed attempts and the waits.
    expect(responses[0]!.latencyMs).toBeGreaterThanOrEqual(2000 + 250 + 250);
  });

  it('a timeout fault costs the timeout, then the retry answers', async () => {
    const { c, reports } = faulty(({ attempt, callIndex }) =>
      callIndex === 0 && attempt === 1 ? { kind: 'timeout' } : undefined,
    );
    const { responses } = await driveTurn(c, codeTurn('t01'));
    expect(reports[0]).toMatchObject({ outcome: 'timeout', latencyMs: 120_000 });
    expect(responses[0]!.latencyMs).toBeGreaterThan(120_000);
  });

  it('persistent failures end the call with the error the statechart handles', async () => {
    const { c } = faulty(() => ({ kind: 'server_error', status: 529 }));
    const error = await driveTurn(c, codeTurn('t01')).catch((e: unknown) => e);
    expect(isModelError(error, 'SERVER_ERROR')).toBe(true);
    expect((error as { attempts: number }).attempts).toBe(5);
  });

  it('malformed and truncated tool calls come back invalid, and the model recovers', async () => {
    const { c } = faulty(({ callIndex }) =>
      callIndex === 0
        ? { kind: 'malformed_tool_call' }
        : callIndex === 1
          ? { kind: 'truncated_tool_call' }
          : undefined,
    );
    const turn = codeTurn('t01');
    const { responses } = await driveTurn(c, turn);
    expect(responses[0]!.invalidToolCalls[0]!.error).toContain('not valid JSON');
    expect(responses[1]!.stopReason).toBe('max_tokens');
    expect(responses[1]!.invalidToolCalls).toHaveLength(1);
    expect(turn.board.done.has('t01')).toBe(true);
  });

  it('wrong_answer forces a broken version; latency_multiplier makes a straggler', async () => {
    const plain = await driveTurn(faulty(() => undefined).c, codeTurn('t01'));
    const { c } = faulty(({ callIndex }) =>
      callIndex === 0 ? { kind: 'wrong_answer' } : { kind: 'latency_multiplier', factor: 10 },
    );
    const turn = codeTurn('t01');
    const { responses } = await driveTurn(c, turn);
    expect(turn.board.testRuns.get('t01')).toEqual([false, true]);
    expect(responses[1]!.latencyMs).toBe(plain.responses[1]!.latencyMs * 10);
  });
});

describe('simulated model: budget', () => {
  it('the call that would pass the budget is not made and the ledger says why', async () => {
    const ledger = createUsageLedger({ budget: { tokens: 15_000 } });
    const stopped: string[] = [];
    ledger.onBudgetExceeded((why) => stopped.push(why.reason));
    const error = await driveTurn(sim({ ledger, sim: { mistakeRate: 0 } }), codeTurn('t01')).catch(
      (e: unknown) => e,
    );
    expect(isModelError(error, 'BUDGET_EXCEEDED')).toBe(true);
    expect(ledger.totals().inputTokens + ledger.totals().outputTokens).toBeLessThanOrEqual(15_000);
    expect(ledger.totals().calls).toBeGreaterThan(0);
    expect(stopped).toHaveLength(1);
    expect(ledger.summary().budgetExceeded?.reason).toBe(stopped[0]);
  });
});
