import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isRunRecord, readResults } from '@llm-teams/lab';
import { argv, runCli } from '@llm-teams/testkit';

/** The coordinator options a trace's `run.start` mark says the team ran with. */
function coordinatorOf(tracePath: string): Record<string, unknown> | undefined {
  const start = readFileSync(tracePath, 'utf8')
    .split('\n')
    .filter((line) => line.includes('"name":"run.start"'))
    .map((line) => JSON.parse(line) as { coordinator?: Record<string, unknown> })[0];
  if (start === undefined) throw new Error(`${tracePath} has no run.start mark`);
  return start.coordinator;
}

const TEAM = ['--suite', 'tiny', '--p', '0.5', '--model', 'sim:gpt-5.2', '--time-scale', '0.001'];

describe('model-time order (the bin): on by default for simulated models, --no-model-time-order turns it off', () => {
  const dir = mkdtempSync(join(tmpdir(), 'llmt-mto-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** `run` of a centralized team of two with `extra` flags: its run record. */
  async function runCentralized(out: string, ...extra: string[]) {
    const res = await runCli([
      'run',
      ...TEAM,
      '--agents',
      '2',
      '--arch',
      'centralized',
      ...extra,
      '--out',
      out,
    ]);
    expect(res.code, res.stderr).toBe(0);
    const record: unknown = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8'));
    if (!isRunRecord(record)) throw new Error('not a run record');
    return record;
  }

  it('run: a centralized team on simulated models runs with it by default; --model-time-order says the same', async () => {
    const out = join(dir, 'run');
    const record = await runCentralized(out);
    expect(record.result.status).toBe('completed');
    expect(record.spec.modelTimeOrder).toBeUndefined();
    expect(record.key).not.toMatch(/model-time-order/);
    // The coordinators read the option from the run's configuration, which the trace records.
    expect(coordinatorOf(join(out, 'trace.jsonl'))).toMatchObject({ modelTimeOrder: true });
    const asked = await runCentralized(join(dir, 'asked'), '--model-time-order');
    expect(asked.key).toBe(record.key);
  }, 180_000);

  it('run: --no-model-time-order turns it off, keyed apart; a team without a coordinator refuses either flag (exit 2)', async () => {
    const out = join(dir, 'plain');
    const record = await runCentralized(out, '--no-model-time-order');
    expect(record.result.status).toBe('completed');
    expect(record.spec.modelTimeOrder).toBe(false);
    expect(record.key).toMatch(/\|centralized\|.*\|no-model-time-order$/);
    expect(coordinatorOf(join(out, 'trace.jsonl'))).toMatchObject({ modelTimeOrder: false });

    for (const flag of ['--model-time-order', '--no-model-time-order']) {
      const refused = await runCli([
        'run',
        ...TEAM,
        '--arch',
        'decentralized',
        flag,
        '--out',
        join(dir, 'refused'),
      ]);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain(`${flag} orders a coordinator's idle workers`);
      expect(refused.stderr).toMatch(/decentralized team has no coordinator/);
    }
  }, 180_000);

  it('sweep --no-model-time-order: its centralized cells run without it, the other architectures as they are', async () => {
    const out = join(dir, 'sweep');
    const res = await runCli(argv`sweep --suites tiny --p 0.5 --agents 2
      --arch centralized,decentralized --model sim:gpt-5.2 --time-scale 0.001
      --no-model-time-order --jobs 2 --out ${out}`);
    expect(res.code, res.stderr).toBe(0);
    const results = join(out, 'results.jsonl');
    const records = readResults(results).records;
    expect(records.map((r) => [r.spec.arch, r.spec.modelTimeOrder]).sort()).toEqual([
      ['centralized', false],
      ['decentralized', undefined],
    ]);
    const central = records.find((r) => r.spec.arch === 'centralized')!;
    expect(central.result.status).toBe('completed');
    expect(coordinatorOf(join(dirname(results), central.files.trace!))).toMatchObject({
      modelTimeOrder: false,
    });
  }, 180_000);
});
