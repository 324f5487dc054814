import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  argv,
  runCli,
  spawnCli,
  startNatsFixture,
  tempDir,
  until,
  type NatsFixture,
} from '@llm-teams/testkit';

describe('llm-teams watch: a running team, live from its trace stream', () => {
  let nats: NatsFixture;
  const out = tempDir('llmt-watch-');
  beforeAll(async () => {
    nats = await startNatsFixture();
  });
  afterAll(async () => {
    await nats.close();
    out.cleanup();
  });

  it('prints the progress of a run as it goes and exits 0 when the run completes', async () => {
    // The watcher comes first and waits for the team, so everything it prints is live.
    const watch = spawnCli(argv`watch --nats ${nats.url} --team watched --wait-ms 120000
      --interval-ms 100`);
    await until('the watcher waits for the team', () =>
      watch.output().stderr.includes('team watched: not on'),
    );
    // Paced so that the run outlasts several of watch's updates on an idle machine too.
    const run = spawnCli(argv`run --nats ${nats.url} --team-name watched --suite tiny --agents 2
      --seed 7 --time-scale 0.05 --out ${join(out.dir, 'run')} --quiet`);
    const watched = await watch.exited;
    const ran = await run.exited;
    expect(ran.code, ran.stderr).toBe(0);
    expect(watched.code, watched.stderr).toBe(0);
    const lines = watched.stdout.trim().split('\n');
    // Progress while the run went: a line with some tasks left and agents at work.
    const progress = lines.filter((l) => /tasks [0-5]\/6 done/.test(l));
    expect(progress.length, watched.stdout).toBeGreaterThan(0);
    expect(
      progress.some((l) => /agents [12] busy/.test(l)),
      watched.stdout,
    ).toBe(true);
    expect(
      progress.some((l) => /tokens [1-9]/.test(l)),
      watched.stdout,
    ).toBe(true);
    expect(lines.at(-1)).toMatch(
      /^team watched ended completed after [\d.]+s \| tasks 6\/6 done .* \| msgs [1-9]\d* /,
    );

    // After the fact: the whole run at once, as one JSON snapshot.
    const again = await runCli(argv`watch --nats ${nats.url} --team watched --json`);
    expect(again.code, again.stderr).toBe(0);
    const snapshot = JSON.parse(again.stdout.trim().split('\n').at(-1)!) as {
      phase: string;
      status: string;
      tasks: { done: number; total: number };
      agents: { id: string; state: string }[];
    };
    expect(snapshot).toMatchObject({ phase: 'ended', status: 'completed' });
    expect(snapshot.tasks).toMatchObject({ done: 6, total: 6 });
    expect(snapshot.agents.map((a) => a.id)).toEqual(['a1', 'a2']);
  });

  it('says clearly when there is no such team', async () => {
    const none = await runCli(argv`watch --nats ${nats.url} --team nosuchteam`);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no team nosuchteam: it has no trace stream/);
  });
});
