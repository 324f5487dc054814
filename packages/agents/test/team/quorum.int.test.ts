import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runTeam, type SimOptions } from '@llm-teams/agents';
import { createMemoryTrace, type TraceEvent } from '@llm-teams/runtime';
import { tinyTeamRun, useNats } from '@llm-teams/testkit';

type Mark = TraceEvent & { kind: 'mark' };
const marks = (events: TraceEvent[], name: string) =>
  events.filter((e): e is Mark => e.kind === 'mark' && e.name === name);

/**
 * The model of a reviewed team: its work has no mistakes and its reviews never accept a wrong
 * version, so the protocol is under test, not the reviewers' judgement; a right version is
 * misread at `falseRejectRate`, and `faults` picks calls to answer wrongly.
 */
const reviewing = (falseRejectRate: number, faults?: SimOptions['faults']) => ({
  sim: {
    mistakeRate: 0,
    review: { falseAcceptRate: 0, falseRejectRate },
    ...(faults ? { faults } : {}),
  },
});

describe('verification quorum', () => {
  const nats = useNats({ before: beforeEach, after: afterEach });

  it('every task is reviewed by k agents; a byzantine reviewer is outvoted and the disagreement traced', async () => {
    const trace = createMemoryTrace();
    const result = await runTeam({
      nc: nats.nc,
      ...tinyTeamRun({ n: 4, chain: 2, agents: 4, seed: 5, timeScale: 0.002 }),
      trace,
      deadlineMs: 90_000,
      verify: { reviewers: 3 },
      // a4 lies in every review it gives.
      modelOptions: reviewing(0, (c) =>
        c.agentId === 'a4' && c.purpose === 'review' ? { kind: 'wrong_answer' } : undefined,
      ),
    });
    expect(result.status, result.reason).toBe('completed');
    const decided = marks(trace.events, 'vote.decided');
    expect(new Set(decided.map((d) => d['taskId'])).size).toBe(4);
    expect(decided.every((d) => d['outcome'] === 'approve')).toBe(true);
    for (const d of decided)
      expect(Object.keys(d['votes'] as object).length).toBeGreaterThanOrEqual(2);
    // Each vote has 3 reviewers, none of them the task's author.
    const opened = marks(trace.events, 'vote.open');
    for (const o of opened) {
      const cast = marks(trace.events, 'vote.cast').filter((c) => c['voteId'] === o['voteId']);
      expect(cast.every((c) => c.actor !== o['author'])).toBe(true);
    }
    // a4's lies show up as traced disagreements whenever it voted before the decision.
    const lies = marks(trace.events, 'vote.cast').filter((c) => c.actor === 'a4');
    expect(lies.every((c) => c['value'] === 'reject')).toBe(true);
    const disagreements = marks(trace.events, 'vote.disagreement');
    const decidedWithA4 = decided.filter((d) => 'a4' in (d['votes'] as object));
    expect(disagreements.length).toBe(decidedWithA4.length);
  });

  it('a result a majority rejects is redone', async () => {
    const trace = createMemoryTrace();
    let lied = 0;
    const result = await runTeam({
      nc: nats.nc,
      ...tinyTeamRun({ n: 2, chain: 1, agents: 3, seed: 6, timeScale: 0.002 }),
      trace,
      deadlineMs: 90_000,
      verify: { reviewers: 2 },
      // Every reviewer lies about t01 the first time: the first vote on it rejects.
      modelOptions: reviewing(0, (c) => {
        if (c.purpose !== 'review' || c.taskId !== 't01' || lied >= 2 || c.tools.length > 0)
          return undefined;
        lied++;
        return { kind: 'wrong_answer' };
      }),
    });
    expect(result.status, result.reason).toBe('completed');
    const t01 = marks(trace.events, 'vote.decided').filter((d) => d['taskId'] === 't01');
    expect(t01.map((d) => d['outcome'])).toEqual(['reject', 'approve']);
    // Owners' starts (tail backups may add copies).
    const starts = trace.events.filter(
      (e) => e.kind === 'task' && e.phase === 'start' && e.taskId === 't01' && e['backup'] !== true,
    );
    expect(starts.length).toBe(2);
  });

  it('reviewers misread a right version independently: a wrongly rejected task passes a later vote', async () => {
    const trace = createMemoryTrace();
    const result = await runTeam({
      nc: nats.nc,
      // Under seed 14 t02's reviews, if every reviewer of every vote drew the task's one
      // verdict, would all misread it: t02 would be rejected until it failed.
      ...tinyTeamRun({ n: 3, chain: 1, agents: 3, seed: 14, timeScale: 0.002 }),
      trace,
      deadlineMs: 90_000,
      verify: { reviewers: 2 },
      coordinator: { maxAttempts: 10 },
      modelOptions: reviewing(0.3),
    });
    expect(result.status, result.reason).toBe('completed');
    const decided = marks(trace.events, 'vote.decided');
    for (const id of ['t01', 't02', 't03']) {
      const outcomes = decided.filter((d) => d['taskId'] === id).map((d) => d['outcome']);
      expect(outcomes.at(-1), id).toBe('approve');
    }
    // Every version was right, so each rejection was a misreading, and it did not stick.
    expect(decided.some((d) => d['outcome'] === 'reject')).toBe(true);
  });

  it('a coordinator that takes over re-opens the votes its predecessor left open', async () => {
    const trace = createMemoryTrace();
    let killed: Promise<void> | undefined;
    let running: { kill(id: string): Promise<void> } | undefined;
    const result = await runTeam({
      nc: nats.nc,
      ...tinyTeamRun({ n: 4, chain: 2, agents: 3, seed: 8, timeScale: 0.002 }),
      deadlineMs: 90_000,
      verify: { reviewers: 2 },
      coordinator: { leaseMs: 600 },
      modelOptions: reviewing(0),
      onStarted: (team) => {
        running = team;
      },
      trace: {
        write(e) {
          trace.write(e);
          // The leader goes down the moment it opens its first vote, before any review is in.
          if (!killed && e.kind === 'mark' && e.name === 'vote.open' && e.actor === 'coord1') {
            killed = running?.kill('coord1');
          }
        },
      },
    });
    await killed;
    expect(killed).toBeDefined();
    expect(result.status, result.reason).toBe('completed');
    const first = marks(trace.events, 'vote.open').find((m) => m.actor === 'coord1')!;
    // coord1 decided nothing; coord2 took over and voted on every task, the one whose vote
    // coord1 had opened included, under a new vote id.
    expect(marks(trace.events, 'vote.decided').filter((d) => d.actor === 'coord1')).toEqual([]);
    const reopened = marks(trace.events, 'vote.open').filter(
      (m) => m.actor === 'coord2' && m['reopened'] === true,
    );
    expect(reopened.map((m) => m['taskId'])).toContain(first['taskId']);
    expect(reopened.every((m) => m['voteId'] !== first['voteId'])).toBe(true);
    const decided = marks(trace.events, 'vote.decided').filter((d) => d.actor === 'coord2');
    expect(new Set(decided.map((d) => d['taskId']))).toEqual(new Set(['t01', 't02', 't03', 't04']));
    expect(decided.every((d) => d['outcome'] === 'approve')).toBe(true);
  });
});
