import { describe, expect, it } from 'vitest';
import { createRandomWalkStrategy, type TraceEvent } from '@llm-teams/runtime';
import { replaySchedule, runScheduledTeam, scheduleFileOf, uniqueTeamName } from '@llm-teams/lab';
import { tinyTeam, useScheduledRuns } from '../support/scheduled-runs.js';

const marks = (events: TraceEvent[], name: string) =>
  events.filter((e) => e.kind === 'mark' && e.name === name);

describe('controlled schedules of a centralized team', () => {
  const runs = useScheduledRuns();

  it('a leader paused past its lease is replaced (lease expiry, takeover by the standby), and the schedule replays to the same trace', async () => {
    // Work takes virtual time (timeScale), so the lease runs out during the run.
    const team = tinyTeam({
      arch: 'centralized',
      model: 'sim:gpt-5.2',
      timeScale: 0.1,
      pauseMs: 2100,
    });
    const strategy = createRandomWalkStrategy({
      seed: 'c',
      switchProbability: 0.1,
      pause: { probability: 0.05, max: 1, actors: ['coord1', 'coord2'] },
    });
    const run = await runScheduledTeam({ ...runs, team, strategy, teamName: uniqueTeamName() });
    expect(run.status).toBe('completed');
    expect(run.end.reason).toBe('stopped');
    const paused = marks(run.events, 'sched.pause');
    expect(paused.map((e) => e.actor)).toEqual(['coord1']);
    const elected = marks(run.events, 'leader.elected');
    expect(elected.map((e) => [e.actor, (e as { epoch?: number }).epoch])).toEqual([
      ['coord1', 1],
      ['coord2', 2],
    ]);
    // The standby took over only once the paused leader's lease had run out.
    expect(elected[1]!.wall - paused[0]!.wall).toBeGreaterThanOrEqual(1500);
    expect(run.choices.some((c) => c.action === 'pause')).toBe(true);
    expect(run.failed, run.findings.join('\n')).toBe(false);

    const file = scheduleFileOf(team, run, 'local');
    const replays = await Promise.all(
      [0, 1].map(() => replaySchedule({ ...runs, file, teamName: uniqueTeamName() })),
    );
    for (const r of replays) {
      expect(r.diverged).toBeUndefined();
      expect(r.reproduced).toBe(true);
      expect(r.outcome.traceDigest).toBe(run.traceDigest);
    }
  });
});
