import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_ID } from '@llm-teams/agents';
import { exploreSchedules, KNOWN_BUGS, scheduleFileSchema, type KnownBug } from '@llm-teams/lab';
import { tinyTeam, useScheduledRuns } from '../support/scheduled-runs.js';
import { argv, runCli, tempDir } from '@llm-teams/testkit';

/** The zoo's search seed: docs/bugs show what it finds. */
const SEARCH_SEED = 'zoo';

describe('the bug zoo: each broken variant is found within its budget, the safe protocol passes it', () => {
  const runs = useScheduledRuns();
  const explore = (bug: KnownBug, broken: boolean, modelTimeOrder: boolean) =>
    exploreSchedules({
      ...runs,
      team: tinyTeam({
        arch: bug.arch,
        // explore's default model: what `explore --bug` and docs/bugs run.
        model: DEFAULT_MODEL_ID,
        ...bug.team,
        ...(broken ? { bug: bug.name } : {}),
        modelTimeOrder,
      }),
      seed: SEARCH_SEED,
      schedules: bug.budget,
      checkers: bug.checkers,
      ...bug.faults,
      shrink: false,
      replays: 0,
    });

  // A centralized team's bugs in both of the coordinator's orders: the lab's runs give out
  // work in model-time order by default, explore by default as reports arrive.
  const cases = KNOWN_BUGS.flatMap((bug) =>
    bug.arch === 'centralized'
      ? [
          { bug, modelTimeOrder: false },
          { bug, modelTimeOrder: true },
        ]
      : [{ bug, modelTimeOrder: false }],
  );
  for (const { bug, modelTimeOrder } of cases) {
    const order = modelTimeOrder ? ' (model-time order)' : '';
    it(`${bug.name}${order}: found within ${bug.budget} schedules; the safe protocol passes them all`, async () => {
      const found = await explore(bug, true, modelTimeOrder);
      expect(found.failure, `no failure in ${found.schedules} schedules`).toBeDefined();
      expect(bug.checkers).toEqual(expect.arrayContaining(found.failure!.original.failures));
      const safe = await explore(bug, false, modelTimeOrder);
      expect(safe.failure?.original.findings ?? []).toEqual([]);
      expect(safe.schedules).toBe(bug.budget);
      // Two searches of up to `budget` team runs each: minutes on a loaded machine.
    }, 600_000);
  }
});

describe('llm-teams explore --bug', () => {
  const { dir, cleanup } = tempDir('llmt-zoo-cli-');
  afterAll(cleanup);

  it('--bug list prints every bug, one a line, with its description', async () => {
    const res = await runCli(argv`explore --bug list`);
    expect(res.code, res.stderr).toBe(0);
    const lines = res.stdout.trimEnd().split('\n');
    expect(lines.map((l) => l.split(/\s+/)[0])).toEqual(KNOWN_BUGS.map((b) => b.name));
    for (const [i, b] of KNOWN_BUGS.entries()) expect(lines[i]).toContain(b.description);
  });

  it('an unknown bug is a usage error that names the known ones', async () => {
    const res = await runCli(argv`explore --bug no-such-bug`);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/--bug no-such-bug: no such bug; known bugs: lost-update/);
  });

  it('--bug double-execution finds a message processed twice, shrinks it to the redelivery, and saves it', async () => {
    const out = join(dir, 'double');
    const res = await runCli(argv`explore --bug double-execution --search-seed ${SEARCH_SEED}
      --schedules 40 --replays 1 --out ${out}`);
    expect(res.code, res.stderr).toBe(1);
    expect(res.stderr).toMatch(/with bug double-execution/);
    expect(res.stdout).toMatch(/failed: duplicate/);
    expect(res.stdout).toMatch(/#\d+: redeliver /);
    expect(res.stdout).toMatch(/replayed 1\/1 times to the same trace/);
    expect(existsSync(join(out, 'trace.jsonl'))).toBe(true);
    const file = scheduleFileSchema.parse(
      JSON.parse(readFileSync(join(out, 'schedule.json'), 'utf8')),
    );
    expect(file.team).toMatchObject({ bug: 'double-execution' });
    expect(file.deviations.some((d) => d.action === 'redeliver')).toBe(true);
    // The saved schedule replays from the file alone: the bug is part of the team.
    const replayed = await runCli(argv`replay ${join(out, 'schedule.json')} --times 1`);
    expect(replayed.code, replayed.stderr).toBe(0);
  });
});
