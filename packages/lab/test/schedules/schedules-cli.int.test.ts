import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scheduleFileSchema } from '@llm-teams/lab';
import { argv, runCli } from '@llm-teams/testkit';

describe('llm-teams explore / replay', () => {
  const dir = mkdtempSync(join(tmpdir(), 'llmt-sched-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const out = join(dir, 'explore');

  it('explore finds the broken claims (searching on two threads), saves schedule.json; replay reproduces it (exit codes 1, 0)', async () => {
    const found = await runCli(argv`explore --threads 2 --unsafe board --model sim:gpt-5.2
      --search-seed claims --schedules 200 --replays 2 --out ${out}`);
    expect(found.code, found.stderr).toBe(1);
    expect(found.stderr).toMatch(/embedded nats-server/);
    expect(found.stdout).toMatch(/failed: duplicate-completion/);
    expect(found.stdout).toMatch(/shrunk from \d+ to \d+ deviations/);
    expect(found.stdout).toMatch(/replayed 2\/2 times to the same trace/);
    for (const f of ['schedule.json', 'trace.jsonl', 'explore.json'])
      expect(existsSync(join(out, f))).toBe(true);
    const file = scheduleFileSchema.parse(
      JSON.parse(readFileSync(join(out, 'schedule.json'), 'utf8')),
    );
    expect(file.team).toMatchObject({ unsafe: { board: true } });
    expect(file.outcome.failures).toContain('duplicate-completion');

    const replayed = await runCli(argv`replay ${join(out, 'schedule.json')} --times 2
      --controller nats --json`);
    expect(replayed.code, replayed.stderr).toBe(0);
    const json = JSON.parse(replayed.stdout) as {
      reproduced: boolean;
      replays: { reproduced: boolean; traceDigest: string; failures: string[] }[];
    };
    expect(json.reproduced).toBe(true);
    expect(json.replays.map((r) => r.traceDigest)).toEqual([
      file.outcome.traceDigest,
      file.outcome.traceDigest,
    ]);
    expect(json.replays[0]!.failures).toEqual(file.outcome.failures);
  }, 300_000);

  it('explore of the correct protocol exits 0 and writes nothing', async () => {
    const res = await runCli(argv`explore --schedules 5 --agents 3 --out ${join(dir, 'clean')}
      --quiet`);
    expect(res.code, res.stderr).toBe(0);
    expect(existsSync(join(dir, 'clean', 'schedule.json'))).toBe(false);
  }, 120_000);

  it('usage errors exit 2 and say which flag', async () => {
    const model = await runCli(argv`explore --model openai:gpt-5.2`);
    expect(model.code).toBe(2);
    expect(model.stderr).toMatch(
      /--model openai:gpt-5.2: controlled schedules need a simulated model/,
    );
    const missing = await runCli(argv`replay ${join(dir, 'nope.json')}`);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/<schedule>: no such file/);
    const strategy = await runCli(argv`explore --strategy dfs`);
    expect(strategy.code).toBe(2);
    expect(strategy.stderr).toMatch(/--strategy/);
    const order = await runCli(argv`explore --arch decentralized --model-time-order`);
    expect(order.code).toBe(2);
    expect(order.stderr).toMatch(/--model-time-order .*decentralized team has no coordinator/);
  }, 60_000);

  it("--model-time-order: the schedule file names the coordinator's order, and replay runs in it", async () => {
    const ordered = join(dir, 'ordered');
    const found = await runCli(argv`explore --bug stale-leader --model-time-order
      --search-seed zoo --schedules 40 --no-shrink --replays 1 --out ${ordered}`);
    expect(found.code, found.stderr).toBe(1);
    // The bug's team size is explore's default --agents.
    expect(found.stderr).toMatch(/with bug stale-leader n=3 /);
    const file = scheduleFileSchema.parse(
      JSON.parse(readFileSync(join(ordered, 'schedule.json'), 'utf8')),
    );
    expect(file.team).toMatchObject({ modelTimeOrder: true, agents: 3 });
    // The order decides who gets which task: the same schedule without it is another run.
    const replayed = await runCli(argv`replay ${join(ordered, 'schedule.json')}`);
    expect(replayed.code, replayed.stderr).toBe(0);
    const trace = readFileSync(join(ordered, 'trace.jsonl'), 'utf8');
    expect(trace).toMatch(/"name":"run.start"[^\n]*"modelTimeOrder":true/);
  }, 240_000);
});
