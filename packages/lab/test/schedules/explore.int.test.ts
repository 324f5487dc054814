import { afterAll, describe, expect, it } from 'vitest';
import { jetstreamManager } from '@llm-teams/broker';
import { createRandomWalkStrategy } from '@llm-teams/runtime';
import {
  exploreSchedules,
  readScheduleFile,
  replaySchedule,
  runScheduledTeam,
  scheduleFileOf,
  uniqueTeamName,
  writeScheduleOutput,
  type ExploreResult,
} from '@llm-teams/lab';
import { tempDir } from '@llm-teams/testkit';
import { boardTeam, useScheduledRuns } from '../support/scheduled-runs.js';

describe('controlled schedules of a real team', () => {
  const runs = useScheduledRuns();
  const { dir, cleanup } = tempDir('llmt-sched-');
  afterAll(cleanup);
  const team = boardTeam;

  it('finds claims without compare-and-set, shrinks the schedule, and its replay fails the same way every time', async () => {
    const explored: ExploreResult = await exploreSchedules({
      ...runs,
      team: team(true),
      seed: 'claims',
      schedules: 200,
      replays: 3,
    });
    const failure = explored.failure;
    expect(failure, `no failure in ${explored.schedules} schedules`).toBeDefined();
    if (!failure) return;
    // Two agents both won a claim; both finished the task.
    expect(failure.original.failures).toContain('duplicate-completion');
    expect(failure.schedule.outcome.failures).toContain('duplicate-completion');
    // Shrunk: fewer deviations from the default order than the schedule that found it, and
    // not the default order itself (which is sequential and passes).
    const shrunk = failure.schedule.deviations.length;
    expect(shrunk).toBeGreaterThan(0);
    expect(shrunk).toBeLessThanOrEqual(failure.original.deviations);
    expect(shrunk).toBeLessThanOrEqual(8);
    expect(failure.minimal).toBe(true);
    expect(failure.replays.map((r) => r.reproduced)).toEqual([true, true, true]);

    // Saved, read back, replayed again: in-process and with the controller on NATS.
    const { schedule: path } = await writeScheduleOutput(
      dir,
      failure.schedule,
      failure.outcome.events,
    );
    const file = await readScheduleFile(path);
    expect(file).toEqual(failure.schedule);
    for (const controller of ['local', 'local', 'nats', 'nats'] as const) {
      const r = await replaySchedule({ ...runs, file, controller });
      expect(r.diverged).toBeUndefined();
      expect(r.outcome.failures).toEqual(file.outcome.failures);
      expect(r.outcome.findings).toEqual(file.outcome.findings);
      expect(r.outcome.trace).toEqual(failure.outcome.trace);
      expect(r.reproduced).toBe(true);
    }
  }, 300_000);

  it('the correct protocol passes the same search', async () => {
    const r = await exploreSchedules({
      ...runs,
      team: team(false),
      seed: 'claims',
      schedules: 12,
    });
    expect(r.failure).toBeUndefined();
    expect(r.schedules).toBe(12);
    expect(r.inconclusive).toBe(0);
    expect(r.perSecond).toBeGreaterThan(0);
    // Every schedule (and the earlier search's shrinking and replays) deleted the buckets it
    // created, which are the only streams a controlled run makes.
    expect(await (await jetstreamManager(runs.nc)).streams.names().next()).toEqual([]);
  }, 120_000);

  it('message drops chosen by a schedule are traced as faults and replay too', async () => {
    const first = await runScheduledTeam({
      ...runs,
      team: team(false),
      strategy: createRandomWalkStrategy({ seed: 'd', drop: { probability: 0.5, max: 3 } }),
      teamName: uniqueTeamName(),
    });
    const drops = first.choices.filter((c) => c.action === 'drop');
    expect(drops.length).toBe(3);
    const faults = first.events.filter((e) => e.kind === 'fault');
    expect(faults.map((e) => (e as { fault?: string }).fault)).toEqual([
      'sched.drop',
      'sched.drop',
      'sched.drop',
    ]);
    // Lost chatter does not break a board-driven team.
    expect(first.failed).toBe(false);
    expect(first.status).toBe('completed');
    const r = await replaySchedule({
      ...runs,
      file: scheduleFileOf(team(false), first, 'local'),
    });
    expect(r.reproduced).toBe(true);
    expect(r.outcome.trace).toEqual(first.trace);
  }, 120_000);

  it('a passing schedule replays to the same trace; a seed gives the same schedule', async () => {
    const run = (seed: string) =>
      runScheduledTeam({
        ...runs,
        team: team(false),
        strategy: createRandomWalkStrategy({ seed, switchProbability: 0.3 }),
        teamName: uniqueTeamName(),
      });
    const first = await run('p');
    const second = await run('p');
    expect(first.failed).toBe(false);
    expect(first.status).toBe('completed');
    expect(second.choices).toEqual(first.choices);
    expect(second.trace).toEqual(first.trace);
    const other = await run('q');
    expect(other.choices).not.toEqual(first.choices);

    const file = scheduleFileOf(team(false), first, 'local');
    for (let k = 0; k < 2; k++) {
      const r = await replaySchedule({ ...runs, file });
      expect(r.reproduced).toBe(true);
      expect(r.outcome.trace).toEqual(first.trace);
    }
  }, 120_000);
});
