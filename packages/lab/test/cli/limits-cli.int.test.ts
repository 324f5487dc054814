import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isRunRecord, readResults } from '@llm-teams/lab';
import { spawnCli } from '@llm-teams/testkit';

const team = [
  '--suite',
  'tiny',
  '--agents',
  '2',
  '--model',
  'sim:gpt-5.2',
  '--time-scale',
  '0.001',
];

describe('team-wide limits from the command line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'llmt-limits-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('run --budget-tokens stops the team at its budget (exit 1), saying why, with its work kept', async () => {
    const out = join(dir, 'run');
    const res = await spawnCli([
      'run',
      ...team,
      ...['--budget-tokens', '60000', '--rate-limit', 'sim:rpm=30,tpm=200000', '--out', out],
    ]).exited;
    expect(res.code, res.stderr).toBe(1);
    expect(res.stdout).toMatch(/^budget \(Team budget of 60000 tokens exceeded: a[12]'s call/);
    const record: unknown = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8'));
    expect(isRunRecord(record)).toBe(true);
    if (!isRunRecord(record)) return;
    expect(record.result.status).toBe('budget');
    expect(record.metrics.tokens.input + record.metrics.tokens.output).toBeLessThanOrEqual(60_000);
    expect(record.metrics.tasks.done).toBeGreaterThan(0);
    expect(record.metrics.tasks.done).toBeLessThan(record.metrics.tasks.declared);
    expect(readFileSync(join(out, 'trace.jsonl'), 'utf8')).toMatch(/"name":"budget.exceeded"/);
  });

  it('sweep --budget-tokens gives each run of the grid that budget', async () => {
    const out = join(dir, 'sweep');
    const res = await spawnCli([
      'sweep',
      ...['--suites', 'tiny', '--agents', '2', '--arch', 'centralized', '--model', 'sim:gpt-5.2'],
      ...['--time-scale', '0.001', '--jobs', '1', '--budget-tokens', '30000', '--out', out],
    ]).exited;
    expect(res.code, res.stderr).toBe(0);
    const [record, ...more] = readResults(join(out, 'results.jsonl')).records;
    expect(more).toEqual([]);
    expect(record?.result.status).toBe('budget');
    expect(record?.result.reason).toMatch(/^Team budget of 30000 tokens exceeded/);
  });

  it('a malformed --rate-limit is a usage error naming the flag and the problem', async () => {
    const bad = await spawnCli(['run', ...team, '--rate-limit', 'sim:rpm=many']).exited;
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(
      "option '--rate-limit <provider:rpm=n,tpm=n>' argument 'sim:rpm=many' is invalid",
    );
    expect(bad.stderr).toContain('rpm=many is not <rpm|tpm>=<a positive integer>');
    const unknown = await spawnCli(['run', ...team, '--rate-limit', 'acme:rpm=5']).exited;
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Unknown provider acme.');
  });
});
