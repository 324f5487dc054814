import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runTeam, type Architecture, type TeamRunOptions } from '@llm-teams/agents';
import { createMemoryTrace, type TraceEvent } from '@llm-teams/runtime';
import { tinySuite, tinyTeamRun, useNats } from '@llm-teams/testkit';

type Ev = TraceEvent & Record<string, unknown>;
const marks = (events: TraceEvent[], name: string) =>
  events.filter((e) => e.kind === 'mark' && (e as Ev)['name'] === name) as Ev[];
const sends = (events: TraceEvent[], type: string) =>
  events.filter((e) => e.kind === 'send' && (e as Ev)['type'] === type) as Ev[];

describe('rounds teams (the paper harness on this runtime)', () => {
  const nats = useNats({ before: beforeEach, after: afterEach });

  const options = (arch: Architecture, trace: ReturnType<typeof createMemoryTrace>) =>
    ({
      nc: nats.nc,
      ...tinyTeamRun({ n: 6, chain: 3, arch, agents: 2, seed: 3, timeScale: 0.001 }),
      trace,
      deadlineMs: 60_000,
    }) satisfies TeamRunOptions;

  for (const arch of ['rounds', 'rounds-claim'] as const) {
    it(`${arch}: every live worker acts once per round and the DAG completes`, async () => {
      const trace = createMemoryTrace();
      const result = await runTeam(options(arch, trace));
      expect(result.status, result.reason).toBe('completed');
      expect(result.tasks.every((t) => t.status === 'done')).toBe(true);
      const rounds = marks(trace.events, 'round.start');
      expect(rounds.length).toBeGreaterThan(1);
      // One go per worker per round, and a step back for each go.
      for (const r of rounds) expect(r['workers']).toEqual(['a1', 'a2']);
      expect(sends(trace.events, 'round.go')).toHaveLength(2 * rounds.length);
      expect(sends(trace.events, 'round.step').length).toBeGreaterThanOrEqual(
        2 * (rounds.length - 1),
      );
      // A round starts when the previous one's slowest step ended, in model time.
      const times = rounds.map((r) => r['modelTime'] as number);
      expect([...times].sort((a, b) => a - b)).toEqual(times);
      const done = trace.events.filter((e) => e.kind === 'task' && (e as Ev)['phase'] === 'done');
      expect(new Set(done.map((e) => (e as Ev)['taskId'])).size).toBe(6);
    });
  }

  it('rounds pre-assigns: each worker works only the tasks dealt to it', async () => {
    const trace = createMemoryTrace();
    const result = await runTeam(options('rounds', trace));
    expect(result.status, result.reason).toBe('completed');
    const deals = marks(trace.events, 'round.deal');
    expect(deals).toHaveLength(1);
    const dealt = new Map(Object.entries(deals[0]!['queues'] as Record<string, string[]>));
    expect([...dealt.values()].flat().sort()).toEqual(result.tasks.map((t) => t.id).sort());
    for (const t of result.tasks) expect(dealt.get(t.owner!)).toContain(t.id);
  });

  it('a rounds team draws the same model replies per task as our teams (same seed)', async () => {
    const firstCall = async (arch: Architecture) => {
      const trace = createMemoryTrace();
      const result = await runTeam(options(arch, trace));
      expect(result.status, result.reason).toBe('completed');
      const calls = new Map<string, { latencyMs: unknown; outputTokens: unknown }>();
      for (const e of trace.events as Ev[]) {
        if (e.kind !== 'llm' || typeof e['taskId'] !== 'string' || calls.has(e['taskId'])) continue;
        calls.set(e['taskId'], { latencyMs: e['latencyMs'], outputTokens: e['outputTokens'] });
      }
      return calls;
    };
    const ours = await firstCall('decentralized');
    const baseline = await firstCall('rounds');
    expect(ours.size).toBe(6);
    expect(baseline).toEqual(ours);
  });

  it('rounds-claim: a task named like a word of the prompt is claimed once, not again and again', async () => {
    // `path` is a task of the svg suite; a word of the claim prompt once made the model claim it
    // after it was done, every round.
    const suite = tinySuite({ n: 6, chain: 3 });
    const renamed = {
      ...suite,
      tasks: suite.tasks.map((t) => (t.id === 't06' ? { ...t, id: 'path' } : t)),
    };
    const trace = createMemoryTrace();
    const result = await runTeam({ ...options('rounds-claim', trace), suite: renamed });
    expect(result.status, result.reason).toBe('completed');
    const claims = trace.events.filter(
      (e) =>
        e.kind === 'tool' && (e as Ev)['name'] === 'claim_task' && (e as Ev)['taskId'] === 'path',
    ) as Ev[];
    expect(claims.filter((c) => c['refusal'] === 'already-done')).toEqual([]);
  });

  it('a worker killed at the start: the lead deals its tasks to the others and the run completes', async () => {
    const trace = createMemoryTrace();
    const result = await runTeam({
      ...options('rounds', trace),
      agents: 3,
      failureDetection: { kind: 'timeout', timeoutMs: 500 },
      onStarted: (team) => team.kill('a3'),
    });
    expect(result.status, result.reason).toBe('completed');
    expect(result.tasks.some((t) => t.owner === 'a3')).toBe(false);
    // Dealt in round 1 to all three, then a3's tasks to the other two.
    const deals = marks(trace.events, 'round.deal');
    expect(deals.length).toBeGreaterThan(1);
    const later = deals.slice(1).map((d) => Object.keys(d['queues'] as object).sort());
    expect(later).toContainEqual(['a1', 'a2']);
  });
});
