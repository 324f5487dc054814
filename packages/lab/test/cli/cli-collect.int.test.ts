import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTrace } from '@llm-teams/runtime';
import { isRunRecord } from '@llm-teams/lab';
import { spawnCli, startNatsFixture, tempDir, type NatsFixture } from '@llm-teams/testkit';

const cli = (args: string[]) => spawnCli(args).exited;

describe("a team's trace after the fact (run, collect, analyze, view)", () => {
  let nats: NatsFixture;
  const out = tempDir('llmt-collect-');
  beforeAll(async () => {
    nats = await startNatsFixture();
  });
  afterAll(async () => {
    await nats.close();
    out.cleanup();
  });

  it('collect gathers the run from its trace stream; analyze and view take a directory or several files', async () => {
    const run = await cli([
      'run',
      '--nats',
      nats.url,
      '--suite',
      'tiny',
      '--agents',
      '2',
      '--seed',
      '7',
      '--time-scale',
      '0.001',
      '--out',
      join(out.dir, 'run'),
      '--quiet',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const record: unknown = JSON.parse(readFileSync(join(out.dir, 'run', 'result.json'), 'utf8'));
    if (!isRunRecord(record)) throw new Error('result.json is not a run record');
    const team = record.result.team;

    const collected = await cli([
      'collect',
      '--nats',
      nats.url,
      '--team',
      team,
      '--out',
      join(out.dir, 'collected'),
    ]);
    expect(collected.code, collected.stderr).toBe(0);
    expect(collected.stdout).toMatch(
      new RegExp(`^collected \\d+ events of team ${team} from 1 node`),
    );
    const fromRun = parseTrace(readFileSync(join(out.dir, 'run', 'trace.jsonl'), 'utf8'));
    const fromStream = parseTrace(readFileSync(join(out.dir, 'collected', 'trace.jsonl'), 'utf8'));
    const key = (e: { actor: string; seq: number }) => `${e.actor}#${e.seq}`;
    expect(fromStream.map(key).sort()).toEqual(fromRun.map(key).sort());
    const perNode = readdirSync(join(out.dir, 'collected')).filter((f) => f !== 'trace.jsonl');
    expect(perNode).toHaveLength(1);

    const analyzed = await cli(['analyze', join(out.dir, 'collected'), '--json']);
    expect(analyzed.code, analyzed.stderr).toBe(0);
    expect(JSON.parse(analyzed.stdout)).toMatchObject({
      analysis: { summary: { ok: true } },
      metrics: { tasks: { done: 6 } },
    });
    // The run's trace and the collected per-node file: the same events, merged once.
    const viewed = await cli([
      'view',
      join(out.dir, 'collected', perNode[0]!),
      join(out.dir, 'run', 'trace.jsonl'),
      '--out',
      join(out.dir, 'page'),
    ]);
    expect(viewed.code, viewed.stderr).toBe(0);
    expect(viewed.stdout).toContain(`(${fromRun.length} events, 0 findings)`);
    expect(existsSync(join(out.dir, 'page', 'trace.html'))).toBe(true);

    const unknown = await cli(['collect', '--nats', nats.url, '--team', 'nosuchteam']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no trace stream for team nosuchteam/);
  });
});
