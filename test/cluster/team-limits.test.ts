import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTeamResources, type NatsConnection } from '@llm-teams/broker';
import { runTeam } from '@llm-teams/agents';
import { parseTrace, type LlmTrace, type TraceEvent } from '@llm-teams/runtime';
import {
  spawnCli,
  startNatsFixture,
  tempDir,
  type CliProcess,
  type NatsFixture,
} from '@llm-teams/testkit';
import { tinyTeamRun } from '@llm-teams/testkit';

const BUDGET_TOKENS = 60_000;

/**
 * Team-wide limits across processes: this process hosts the coordinators and a1, an
 * `llm-teams node` process hosts a2, and both draw on one budget and one rate kept in the
 * team's KV bucket on a real nats-server.
 */
describe('limits shared by the processes of a team', () => {
  let nats: NatsFixture;
  let nc: NatsConnection;
  let out: ReturnType<typeof tempDir>;
  let node: CliProcess | undefined;
  beforeEach(async () => {
    nats = await startNatsFixture();
    nc = await nats.connect('director');
    out = tempDir();
  });
  afterEach(async () => {
    node?.kill('SIGKILL');
    await nats.close();
    out.cleanup();
  });

  it('one budget and one rate for both processes: the team stops at the budget, keeping its work', async () => {
    const team = 'limits1';
    node = spawnCli([
      ...['node', '--nats', nats.url, '--team', team, '--agents', 'a2'],
      ...['--out', out.dir, '--node', 'proc-a2'],
    ]);
    const events: TraceEvent[] = [];
    const result = await runTeam({
      nc,
      team,
      ...tinyTeamRun({ n: 8, chain: 2, agents: 2, seed: 7, timeScale: 0.005 }),
      localMembers: ['a1', 'coord1', 'coord2'],
      node: 'director',
      deadlineMs: 120_000,
      trace: { write: (e) => events.push(e) },
      usageLimits: {
        budget: { tokens: BUDGET_TOKENS },
        rates: { sim: { requestsPerMinute: 4 } },
      },
    });

    // A clear stop that says why, traced, with the work done so far kept on the board.
    expect(result.status, result.reason).toBe('budget');
    expect(result.reason).toMatch(
      /^Team budget of 60000 tokens exceeded: a[12]'s call to sim:gpt-5.2/,
    );
    expect(result.usage.budgetExceeded?.reason).toBe(result.reason);
    expect(events.some((e) => e.kind === 'mark' && e.name === 'budget.exceeded')).toBe(true);
    expect(events.find((e) => e.kind === 'mark' && e.name === 'run.end')).toMatchObject({
      status: 'budget',
    });
    const done = result.tasks.filter((t) => t.status === 'done');
    expect(done.length).toBeGreaterThan(0);
    expect(done.length).toBeLessThan(result.tasks.length);

    const exited = await node.exited;
    expect(exited.code, exited.stderr).toBe(0);
    const file = join(out.dir, 'trace.proc-a2.jsonl');
    expect(existsSync(file), file).toBe(true);
    const remote = parseTrace(readFileSync(file, 'utf8'));
    const ok = (e: TraceEvent): e is LlmTrace => e.kind === 'llm' && e.outcome === 'ok';
    const spentBy = (list: TraceEvent[]) =>
      list.filter(ok).reduce((n, e) => n + e.inputTokens + e.outputTokens, 0);
    // Both processes spent from the budget, and together they stayed within it.
    expect(spentBy(events)).toBeGreaterThan(0);
    expect(spentBy(remote)).toBeGreaterThan(0);
    expect(spentBy(events) + spentBy(remote)).toBeLessThanOrEqual(BUDGET_TOKENS);
    // Both waited for the one rate they share.
    const waited = (list: TraceEvent[]) => list.some((e) => ok(e) && Number(e['limitWaitMs']) > 0);
    expect(waited(events)).toBe(true);
    expect(waited(remote)).toBe(true);

    // The team's bucket holds what was spent and why the team stopped.
    const limits = await (await openTeamResources(nc, { team })).bucket('limits');
    const state = (await limits.get('budget'))!.json<{ tokens: number; exceeded: unknown }>();
    expect(state.tokens).toBe(spentBy(events) + spentBy(remote));
    expect(state.exceeded).toMatchObject({ kind: 'tokens', limit: BUDGET_TOKENS });
  });
});
