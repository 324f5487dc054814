import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const run = promisify(execFile);

/*
 * The benchmark's output is a contract (issue: `npm run bench -- --json` prints one JSON object
 * with these fields). This keeps it from rotting; it asserts shape and arithmetic, never speed.
 */
describe('npm run bench -- --json', () => {
  it('prints one JSON object with every figure, the ratios computed from the rates', async () => {
    const { stdout } = await run(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', 'bench/index.ts', '--json', '--quick'],
      { cwd: root, timeout: 150_000 },
    );
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const figures = JSON.parse(lines[0]!) as Record<string, unknown>;
    const positive = [
      'rawPubSubMsgsPerSec',
      'tellMsgsPerSec',
      'tellRatio',
      'tellMachineMsgsPerSec',
      'tellMachineRatio',
      'xstateMachineEventUs',
      'rawPubSubUsPerMsg',
      'tellTracedMsgsPerSec',
      'tellTracedRatio',
      'tellUnbatchedMsgsPerSec',
      'rawRequestP50Us',
      'rawRequestP99Us',
      'askP50Us',
      'askP99Us',
      'askRatio',
      'heapBytesPerIdleActor',
    ];
    for (const key of positive) {
      expect(figures[key], key).toBeTypeOf('number');
      expect(figures[key] as number, key).toBeGreaterThan(0);
    }
    const n = (key: string) => figures[key] as number;
    expect(n('tellRatio')).toBeCloseTo(n('tellMsgsPerSec') / n('rawPubSubMsgsPerSec'), 2);
    expect(n('tellMachineRatio')).toBeCloseTo(
      n('tellMachineMsgsPerSec') / n('rawPubSubMsgsPerSec'),
      2,
    );
    expect(n('tellTracedRatio')).toBeCloseTo(
      n('tellTracedMsgsPerSec') / n('rawPubSubMsgsPerSec'),
      2,
    );
    // The latencies are printed rounded to whole microseconds, so only roughly here.
    expect(n('askRatio')).toBeCloseTo(n('askP50Us') / n('rawRequestP50Us'), 1);
    expect(n('rawRequestP99Us')).toBeGreaterThanOrEqual(n('rawRequestP50Us'));
    expect(n('askP99Us')).toBeGreaterThanOrEqual(n('askP50Us'));
  });
});

describe('npm run bench:fuzz -- --json', () => {
  it('prints one JSON object: the run, the messages sent, rejects, dead letters and RSS', async () => {
    const { stdout } = await run(
      process.execPath,
      [
        '--expose-gc',
        '--import',
        'tsx',
        'bench/fuzz.ts',
        '--json',
        '--messages',
        '200',
        '--time-scale',
        '0.01',
      ],
      { cwd: root, timeout: 150_000 },
    );
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const f = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(f['messagesSent']).toBe(200);
    for (const key of [
      'rejects',
      'deadLettered',
      'dlqCount',
      'rssBeforeMb',
      'rssPeakMb',
      'rssAfterMb',
    ]) {
      expect(f[key], key).toBeTypeOf('number');
    }
    expect(f['completed']).toBeTypeOf('boolean');
    expect(f['rssPeakMb'] as number).toBeGreaterThanOrEqual(f['rssBeforeMb'] as number);
  });
});

describe('npm run bench:explore -- --json', () => {
  it('prints one JSON object per architecture: rate, schedules, threads and CPU per schedule', async () => {
    const { stdout } = await run(
      process.execPath,
      [
        '--conditions=@llm-teams/source',
        '--import',
        'tsx',
        'packages/lab/bench/explore-speed.ts',
        '--json',
        '--arch',
        'centralized',
        '--schedules',
        '6',
        '--warmup',
        '2',
        '--threads',
        '2',
      ],
      { cwd: root, timeout: 150_000 },
    );
    const figures = JSON.parse(stdout) as Record<string, Record<string, unknown>>;
    expect(Object.keys(figures)).toEqual(['centralized']);
    const c = figures.centralized!;
    expect(c).toMatchObject({ schedules: 6, threads: 2, inconclusive: 0, failed: false });
    for (const key of ['schedulesPerSec', 'nodeCpuMsPerSchedule', 'serverCpuMsPerSchedule'])
      expect(c[key] as number, key).toBeGreaterThan(0);
  }, 160_000);
});
