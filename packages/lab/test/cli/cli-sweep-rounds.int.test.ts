import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readResults, type SweepSummary } from '@llm-teams/lab';
import { argv, runCli } from '@llm-teams/testkit';

describe("sweep with the paper's harness beside ours (the bin)", () => {
  const dir = mkdtempSync(join(tmpdir(), 'llmt-rounds-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('pairs centralized with rounds seed by seed: speedup over the baseline, token ratio, the paper, findings in words', async () => {
    const out = join(dir, 'sweep');
    const res = await runCli(argv`sweep --suites tiny --p 0.5 --agents 1,2
      --arch centralized,rounds --model sim:gpt-5.2 --time-scale 0.001 --jobs 2 --out ${out}`);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(
      /^completed: 4 runs in the grid, 0 done before, 4 run now \(0 failed\)/,
    );
    const records = readResults(join(out, 'results.jsonl')).records;
    expect(records.every((r) => r.result.status === 'completed')).toBe(true);
    // The checkers read a rounds team's trace like any other.
    expect(records.map((r) => r.metrics.checkers.errors)).toEqual([0, 0, 0, 0]);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as SweepSummary;
    const pair = summary.comparisons.find((c) => c.arch === 'centralized' && c.n === 2);
    expect(pair).toBeDefined();
    expect(pair!.baseline).toBe('rounds');
    // The ratio is of the two runs with the same seed, exactly.
    const of = (arch: string) =>
      records.find((r) => r.spec.arch === arch && r.result.agents === 2)!;
    expect(pair!.speedupOverBaseline.mean).toBeCloseTo(
      of('rounds').result.makespanModelMs / of('centralized').result.makespanModelMs,
      9,
    );
    expect(pair!.tokenRatio.mean).toBeCloseTo(
      of('centralized').metrics.tokens.total / of('rounds').metrics.tokens.total,
      9,
    );
    expect(pair!.paper).toBeDefined();
    expect(summary.findings.map((f) => f.id)).toEqual([
      'below-amdahl',
      'claim-below-preassign',
      'tokens-grow',
    ]);
    expect(summary.findings.find((f) => f.id === 'below-amdahl')!.reproduced).toBeTypeOf('boolean');
    const report = readFileSync(join(out, 'report.html'), 'utf8');
    expect(report).toMatch(/(Reproduced|Not reproduced) by the rounds baselines/);
    expect(report).toContain('Speedup over baseline');
  });
});
