import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isRunRecord } from '@llm-teams/lab';
import { argv, runCli } from '@llm-teams/testkit';

describe('llm-teams run: heterogeneous teams and scaled workloads', () => {
  const dir = mkdtempSync(join(tmpdir(), 'llmt-mix-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('--models gives members their own models; --workload scaled gives each agent a copy of the work', async () => {
    const out = join(dir, 'run');
    const res = await runCli(argv`run --suite tiny --p 0.5 --agents 2 --arch decentralized
      --model sim:claude-sonnet-4-6 --models a2=sim:gpt-5.2 --workload scaled --time-scale 0.001
      --out ${out}`);
    expect(res.code, res.stderr).toBe(0);
    const record: unknown = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8'));
    if (!isRunRecord(record)) throw new Error('not a run record');
    expect(record.key).toMatch(/\|models=a2=sim:gpt-5\.2\|scaled$/);
    expect(record.result.models).toEqual({ a2: 'sim:gpt-5.2' });
    expect(record.metrics.tasks).toEqual({ declared: 12, done: 12 });
    // Each member's model calls are its model's.
    const trace = readFileSync(join(out, 'trace.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l.includes('"kind":"llm"'))
      .map((l) => JSON.parse(l) as { actor: string; model: string });
    expect(new Set(trace.filter((e) => e.actor === 'a2').map((e) => e.model))).toEqual(
      new Set(['sim:gpt-5.2']),
    );
    expect(new Set(trace.filter((e) => e.actor === 'a1').map((e) => e.model))).toEqual(
      new Set(['sim:claude-sonnet-4-6']),
    );
  });

  it('a mix naming no member or role, or an unknown model, is a usage error (exit 2)', async () => {
    const bad = await runCli(argv`run --suite tiny --models boss=sim:gpt-5.2`);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--models.*boss is not a member/);
    const unknown = await runCli(argv`run --suite tiny --models a1=sim:nope`);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/--models sim:nope/);
  });
});
