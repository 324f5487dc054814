import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expandGrid, readResults, runKey, type SweepSummary } from '@llm-teams/lab';
import {
  argv,
  spawnCli,
  startNatsFixture,
  tempDir,
  until,
  type CliProcess,
  type NatsFixture,
} from '@llm-teams/testkit';

/**
 * `sweep --nats URL --jobs 0` queues its runs on JetStream; `llm-teams worker` processes pull
 * and run them; one worker dies in the middle of a run, which another then runs.
 */
describe('a sweep across machines', () => {
  let nats: NatsFixture;
  const dir = tempDir('llmt-dsweep-');
  const children: CliProcess[] = [];
  beforeAll(async () => {
    nats = await startNatsFixture();
  });
  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    await nats.close();
    dir.cleanup();
  });

  it('two workers, one killed mid-run: every grid key done once, the same summary and report', async () => {
    const out = join(dir.dir, 'sweep');
    const sweep = spawnCli(argv`sweep --nats ${nats.url} --jobs 0 --suites tiny --agents 1,2
      --arch centralized,decentralized --time-scale 0.002 --out ${out}`);
    children.push(sweep);
    const worker = (name: string) => {
      const w = spawnCli(argv`worker --nats ${nats.url} --name ${name}`);
      children.push(w);
      return w;
    };
    const doomed = worker('w1');
    const survivor = worker('w2');
    await until('w1 to start a run', () => /w1: running /.test(doomed.output().stderr), 120_000);
    doomed.kill('SIGKILL');
    const killedRun = /w1: running (.*)$/m.exec(doomed.output().stderr)![1]!;

    const result = await sweep.exited;
    expect(result.code, `${result.stderr}\n--- w2\n${survivor.output().stderr}`).toBe(0);
    expect(result.stdout).toMatch(/^completed: 4 runs in the grid, 0 done before, 4 run now/);
    survivor.kill('SIGTERM');
    expect((await survivor.exited).code).toBe(130);

    // Every key of the grid once, the run that was in flight on w1 among them (run by w2).
    const { records } = readResults(join(out, 'results.jsonl'));
    const keys = records.map((r) => r.key).sort();
    const grid = expandGrid({
      suites: ['tiny'],
      p: [0.5],
      agents: [1, 2],
      arch: ['centralized', 'decentralized'],
      models: ['sim:claude-sonnet-4-6'],
      reps: 1,
      seed: '1',
      timeScale: 0.002,
    }).map(runKey);
    expect(keys).toEqual([...grid].sort());
    expect(keys).toContain(killedRun);
    expect(survivor.output().stderr).toContain(`w2: running ${killedRun}`);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as SweepSummary;
    expect(summary.runs).toBe(4);
    expect(existsSync(join(out, 'report.html'))).toBe(true);
  });
});
