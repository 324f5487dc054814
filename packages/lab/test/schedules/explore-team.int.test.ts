import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { scheduleFileSchema } from '@llm-teams/lab';
import { argv, runCli, tempDir } from '@llm-teams/testkit';

/**
 * `llm-teams explore --team <dir>`: a team of one's own under controlled schedules, from the
 * CLI. The fixture team has a planted lost update (its counters compare-and-set against a
 * fresh read); its auditor ends the run as failed when an addition is lost. The commands are
 * docs/schedules.md's ("A team of your own").
 */
const ROOT = new URL('../../../..', import.meta.url).pathname;
const FIXTURE = new URL('./fixtures/lost-update-team', import.meta.url).pathname;
const dir = tempDir('llmt-explore-team-');
afterAll(() => dir.cleanup());
const found = join(dir.dir, 'tally');

describe('explore --team', { timeout: 180_000 }, () => {
  it('finds the planted lost update (searching on two threads), shrinks it and saves a schedule that replay reproduces', async () => {
    const res = await runCli(argv`explore --team ${FIXTURE} --threads 2 --search-seed tally
      --out ${found}`);
    expect(res.code, res.stderr).toBe(1);
    expect(res.stderr).toMatch(/explore team lost-update \(.*\), 3 members/);
    expect(res.stdout).toMatch(/failed: team-failed/);
    expect(res.stdout).toMatch(/team-failed: the tally is \d, not 3: an addition was lost/);
    expect(res.stdout).toMatch(/shrunk from \d+ to 1 deviations/);
    expect(res.stdout).toMatch(/replayed 3\/3 times to the same trace/);
    const file = scheduleFileSchema.parse(
      JSON.parse(readFileSync(join(found, 'schedule.json'), 'utf8')),
    );
    expect(file.team).toMatchObject({ kind: 'defined', name: 'lost-update', dir: FIXTURE });
    expect(file.outcome.failures).toEqual(['team-failed']);
    // The one deviation lets the other counter in between a counter's two reads.
    expect(file.deviations).toHaveLength(1);
    expect(file.deviations[0]?.fallback).toMatch(/^c\d#2 get files\/f\.tally\.txt$/);

    const replayed = await runCli(argv`replay ${join(found, 'schedule.json')} --times 2
      --out ${join(dir.dir, 'replayed')}`);
    expect(replayed.code, replayed.stderr).toBe(0);
    expect(replayed.stdout.match(/reproduced; \d+\/\d+ decisions, failed/g)).toHaveLength(2);
    expect(replayed.stdout).toMatch(/an addition was lost/);
    // The replayed trace is the saved one, event for event.
    expect(readFileSync(join(dir.dir, 'replayed', 'trace.jsonl'), 'utf8').split('\n').length).toBe(
      readFileSync(join(found, 'trace.jsonl'), 'utf8').split('\n').length,
    );
  });

  // Usage errors of --team (other flags, a provider's model) are in cli/cli-usage.test.ts.
  it('replays a team that moved (--team), and refuses one whose team.ts changed', async () => {
    // A copy inside the checkout, where its imports resolve.
    mkdirSync(join(ROOT, 'runs'), { recursive: true });
    const copy = mkdtempSync(join(ROOT, 'runs', 'explore-team-'));
    onTestFinished(() => rmSync(copy, { recursive: true, force: true }));
    cpSync(FIXTURE, copy, { recursive: true });
    const schedule = join(found, 'schedule.json');
    const moved = await runCli(argv`replay ${schedule} --team ${copy}`);
    expect(moved.code, moved.stderr).toBe(0);
    expect(moved.stdout).toMatch(/replay 1: reproduced/);
    appendFileSync(join(copy, 'team.ts'), '// changed\n');
    const changed = await runCli(argv`replay ${schedule} --team ${copy}`);
    expect(changed.code).toBe(2);
    expect(changed.stderr).toMatch(
      /--team: .*team\.ts changed since the schedule was found .*explore it again/,
    );
  });

  it('explores an example team (LLM agents on a scripted model, a quorum chair): every schedule passes', async () => {
    const res = await runCli(argv`explore --team examples/review-panel --schedules 10`, {
      cwd: ROOT,
    });
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/^10 schedules in .*decisions each\)\nno checker failed\n$/);
  });
});
