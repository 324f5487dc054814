import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_ID } from '@llm-teams/agents';
import { createRandomWalkStrategy, type TraceEvent } from '@llm-teams/runtime';
import {
  analyzeTrace,
  replaySchedule,
  runScheduledTeam,
  scheduleFileOf,
  scheduleFileSchema,
  uniqueTeamName,
} from '@llm-teams/lab';
import { tinyTeam, useScheduledRuns } from '../support/scheduled-runs.js';
import { argv, runCli, tempDir } from '@llm-teams/testkit';

const targets = (events: TraceEvent[], fault: string) =>
  events.flatMap((e) => (e.kind === 'fault' && e.fault === fault ? [String(e.target)] : []));

describe('crashes and clock jumps are schedule choices, replayed exactly', () => {
  const runs = useScheduledRuns();

  it('a crashed agent is restored at the chosen step, its trace lane goes on, and the schedule replays to the same trace', async () => {
    const team = tinyTeam({
      arch: 'decentralized',
      model: DEFAULT_MODEL_ID,
    });
    const strategy = createRandomWalkStrategy({
      seed: 'crash',
      switchProbability: 0.1,
      crash: { probability: 0.05, max: 2 },
    });
    const run = await runScheduledTeam({ ...runs, team, strategy, teamName: uniqueTeamName() });
    expect(run.status).toBe('completed');
    const crashed = run.choices.filter((c) => c.action === 'crash');
    expect(crashed.length).toBeGreaterThan(0);
    // Each crash is a kill and a restart of the step's actor.
    const killed = targets(run.events, 'kill');
    expect(killed).toHaveLength(crashed.length);
    expect(targets(run.events, 'restart')).toEqual(killed);
    // The restored actor continues its lane: seq and Lamport time never go back.
    expect(analyzeTrace(run.events).findings.filter((f) => f.severity === 'error')).toEqual([]);
    const file = scheduleFileOf(team, run, 'local');
    expect(file.choices).toContainEqual(expect.objectContaining({ action: 'crash' }));
    const again = await replaySchedule({ ...runs, file: scheduleFileSchema.parse(file) });
    expect(again.diverged).toBeUndefined();
    expect(again.reproduced).toBe(true);
  }, 120_000);

  it("a clock jump puts one member's clock ahead: a standby that trusts the lease across it takes over while the leader's lease is valid", async () => {
    const team = tinyTeam({
      arch: 'centralized',
      model: DEFAULT_MODEL_ID,
      timeScale: 0.1,
      jumpMs: 2000,
    });
    const strategy = createRandomWalkStrategy({
      seed: 'zoo:0',
      switchProbability: 0.1,
      jump: { probability: 0.5, max: 1, actors: ['coord2'] },
    });
    const run = await runScheduledTeam({ ...runs, team, strategy, teamName: uniqueTeamName() });
    const jumps = run.events.flatMap((e) =>
      e.kind === 'mark' && e.name === 'sched.jump' ? [[e.actor, e.aheadMs]] : [],
    );
    expect(jumps).toEqual([['coord2', 2000]]);
    expect(run.failures).toEqual(['lease']);
    const again = await replaySchedule({ ...runs, file: scheduleFileOf(team, run, 'local') });
    expect(again.reproduced).toBe(true);
  }, 120_000);
});

describe('llm-teams explore with crash and clock-jump faults', () => {
  const { dir, cleanup } = tempDir('llmt-sched-faults-');
  afterAll(cleanup);

  it('--crash-probability and --jump-probability: the safe team survives the chosen faults', async () => {
    const res = await runCli(argv`explore --arch centralized --schedules 4 --search-seed faults
      --crash-probability 0.02 --max-crashes 2 --jump-probability 0.02 --jump-ms 500 --json`);
    expect(res.code, res.stderr).toBe(0);
    const out = JSON.parse(res.stdout) as { schedules: number; faults: Record<string, number> };
    expect(out.schedules).toBe(4);
    expect(out.faults.crash).toBeGreaterThan(0);
    expect(out.faults.jump).toBeGreaterThan(0);
  }, 120_000);

  it('--bug lease-skew: the shrunk schedule keeps its clock jump and replays from the file', async () => {
    const out = join(dir, 'skew');
    const res = await runCli(argv`explore --bug lease-skew --search-seed zoo --schedules 2
      --shrink-runs 4 --replays 0 --out ${out}`);
    expect(res.code, res.stderr).toBe(1);
    expect(res.stdout).toMatch(/failed: lease/);
    expect(res.stdout).toMatch(/#\d+: jump coord2/);
    const file = scheduleFileSchema.parse(
      JSON.parse(readFileSync(join(out, 'schedule.json'), 'utf8')),
    );
    expect(file.team).toMatchObject({ bug: 'lease-skew', jumpMs: 2000, leaseSkewMs: 2000 });
    const jumped = file.choices.filter((c) => typeof c !== 'string' && c.action === 'jump');
    expect(jumped.map((c) => (typeof c === 'string' ? c : c.step.split('#')[0]))).toEqual([
      'coord2',
    ]);
    const replayed = await runCli(argv`replay ${join(out, 'schedule.json')} --times 1`);
    expect(replayed.code, replayed.stderr).toBe(0);
    expect(replayed.stdout).toMatch(/replay 1: reproduced/);
    // Two CLI runs of a team of 1800 decisions each, and a few shrinking runs.
  }, 240_000);
});
