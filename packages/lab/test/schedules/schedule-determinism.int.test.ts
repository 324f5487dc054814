import { describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_ID } from '@llm-teams/agents';
import { createRandomWalkStrategy, type ScheduleStrategy } from '@llm-teams/runtime';
import {
  replaySchedule,
  runScheduledTeam,
  scheduleFileOf,
  scheduleFileSchema,
  uniqueTeamName,
} from '@llm-teams/lab';
import { tinyTeam, useScheduledRuns } from '../support/scheduled-runs.js';

/**
 * A controlled run is a function of its decisions: its status, its end and its trace are the
 * same in every replay, whatever the machine's load. Each schedule here is run, then replayed
 * several times, and every outcome compared.
 */
describe('a scheduled run ends the same way in every replay', () => {
  const runs = useScheduledRuns();

  const centralized = (extra: Record<string, unknown> = {}) =>
    tinyTeam({
      arch: 'centralized',
      model: DEFAULT_MODEL_ID,
      jumpMs: 500,
      ...extra,
    });

  /** Runs `team` under `strategy`, then replays the schedule `times` times: every outcome. */
  async function runAndReplay(
    team: ReturnType<typeof centralized>,
    strategy: ScheduleStrategy,
    times: number,
  ) {
    const run = await runScheduledTeam({ ...runs, team, strategy, teamName: uniqueTeamName() });
    const file = scheduleFileSchema.parse(scheduleFileOf(team, run, 'local'));
    const replays = [];
    for (let i = 0; i < times; i++) replays.push(await replaySchedule({ ...runs, file }));
    const outcome = (o: typeof run) => ({
      status: o.status,
      reason: o.reason,
      end: o.end.reason,
      digest: o.traceDigest,
    });
    return {
      run,
      first: outcome(run),
      replays: replays.map((r) => outcome(r.outcome)),
      replayed: replays,
    };
  }

  it("crashes hit members, never the run's director (nothing would restore it): the crash schedule replays exactly", async () => {
    // The search `explore --arch centralized --search-seed faults --crash-probability 0.02
    // --max-crashes 2 --jump-probability 0.02` makes first: it once crashed the director, whose
    // restart failed, and its status was `stuck` or `deadline` by a race.
    const strategy = createRandomWalkStrategy({
      seed: 'faults:0',
      switchProbability: 0.1,
      crash: { probability: 0.02, max: 2 },
      jump: { probability: 0.02, max: 1 },
    });
    const { run, first, replays, replayed } = await runAndReplay(centralized(), strategy, 3);
    expect(run.choices.filter((c) => c.action === 'crash').length).toBeGreaterThan(0);
    const killed = run.events.flatMap((e) =>
      e.kind === 'fault' && e.fault === 'kill' ? [String(e.target)] : [],
    );
    expect(killed.length).toBeGreaterThan(0);
    expect(killed).not.toContain('director');
    expect(first.end).toBe('stopped');
    for (const r of replayed) expect(r.diverged).toBeUndefined();
    expect(replays).toEqual([first, first, first]);
  }, 180_000);

  it("a schedule wound down at its step budget ends as the team's own end (the deadline), in every replay", async () => {
    // Past the budget the clock jumps beyond the deadline and only the director runs: it ends
    // the run, then the team shuts down while the schedule makes its last flush.
    const strategy = createRandomWalkStrategy({ seed: 'budget', switchProbability: 0.1 });
    const { first, replays } = await runAndReplay(centralized({ maxSteps: 40 }), strategy, 4);
    expect(first).toMatchObject({ status: 'deadline', end: 'budget' });
    expect(replays).toEqual([first, first, first, first]);
  }, 180_000);
});
