import { describe, expect, it } from 'vitest';
import {
  createRandom,
  FaultSpecError,
  layoutPartition,
  nameMatcher,
  parseDurationMs,
  parseMessageFault,
  sampleDelay,
} from '@llm-teams/runtime';

const problems = (value: unknown): string[] => {
  try {
    parseMessageFault(value, 'faults[0]');
  } catch (err) {
    if (err instanceof FaultSpecError) return err.problems;
    throw err;
  }
  return [];
};

describe('message fault specs', () => {
  it('accepts every kind with durations as numbers or strings', () => {
    expect(parseMessageFault({ kind: 'delay', delay: '1.5s', healAfterMs: '2m' })).toEqual({
      kind: 'delay',
      delay: 1500,
      healAfterMs: 120_000,
    });
    expect(
      parseMessageFault({
        kind: 'delay',
        delay: { dist: 'exponential', meanMs: 100, maxMs: '1s' },
      }),
    ).toMatchObject({ delay: { dist: 'exponential', meanMs: 100, maxMs: 1000 } });
    for (const kind of ['drop', 'duplicate', 'reorder', 'hold']) {
      expect(parseMessageFault({ kind, from: 'a*', to: ['b', 'c'], type: 'task.*' }).kind).toBe(
        kind,
      );
    }
  });

  it('names an unknown kind, an unknown field, a bad duration or probability', () => {
    expect(problems({ kind: 'dorp' })).toEqual([
      'faults[0]: unknown fault kind "dorp"; message faults are drop, delay, duplicate, reorder, hold, partition',
    ]);
    expect(problems({ kind: 'drop', form: 'a', too: 'b' })).toEqual([
      'faults[0]: unknown fields "form", "too"',
    ]);
    expect(problems({ kind: 'drop', healAfterMs: -3 })).toEqual([
      'faults[0].healAfterMs: bad duration -3: use ms (a number >= 0) or a string like 500ms, 2s, 1.5m',
    ]);
    expect(problems({ kind: 'drop', probability: 1.5 })[0]).toMatch(/^faults\[0\]\.probability: /);
    expect(problems({ kind: 'delay', delay: { dist: 'uniform', minMs: 9, maxMs: 3 } })).toEqual([
      'faults[0].delay: minMs is above maxMs',
    ]);
    expect(problems({ kind: 'drop', to: [] })[0]).toMatch(/^faults\[0\]\.to: /);
  });

  it('checks that a partition has what its shape needs', () => {
    expect(problems({ kind: 'partition', shape: 'halves' })).toEqual([
      'faults[0]: shape "halves" needs "actors" with at least 2 actors',
    ]);
    expect(
      problems({ kind: 'partition', shape: 'isolate', actors: ['a', 'b'], target: 'z' }),
    ).toEqual(['faults[0].target: z is not among "actors"']);
    expect(problems({ kind: 'partition', shape: 'groups', groups: [['a'], ['a', 'b']] })).toEqual([
      'faults[0].groups: a in two groups',
    ]);
    expect(problems({ kind: 'partition', shape: 'ring', actors: ['a', 'b'] })[0]).toMatch(
      /^faults\[0\]\.shape: /,
    );
  });

  it('parses durations', () => {
    expect([250, '250ms', '2s', '1.5m', '1h', ' 3 s '].map(parseDurationMs)).toEqual([
      250, 250, 2000, 90_000, 3_600_000, 3000,
    ]);
    expect([-1, 'soon', '2 weeks', NaN, null].map(parseDurationMs)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });
});

describe('fault building blocks', () => {
  it('matches names with globs', () => {
    const m = nameMatcher(['coord*', 'a1']);
    expect(['coord1', 'coord2', 'a1', 'a10', 'x'].map(m)).toEqual([true, true, true, false, false]);
    expect(nameMatcher(undefined)('anything')).toBe(true);
    expect(nameMatcher('task.*')('task.assign')).toBe(true);
    expect(nameMatcher('task.*')('taskXassign')).toBe(false);
  });

  it('draws delays from each distribution within its bounds', () => {
    const r = createRandom('d');
    const draw = (dist: Parameters<typeof sampleDelay>[0]) =>
      Array.from({ length: 2000 }, () => sampleDelay(dist, r));
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(new Set(draw(40))).toEqual(new Set([40]));
    const u = draw({ dist: 'uniform', minMs: 10, maxMs: 20 });
    expect(Math.min(...u)).toBeGreaterThanOrEqual(10);
    expect(Math.max(...u)).toBeLessThanOrEqual(20);
    expect(mean(draw({ dist: 'exponential', meanMs: 100 }))).toBeGreaterThan(85);
    expect(mean(draw({ dist: 'exponential', meanMs: 100 }))).toBeLessThan(115);
    expect(Math.max(...draw({ dist: 'exponential', meanMs: 100, maxMs: 150 }))).toBe(150);
    const n = draw({ dist: 'normal', meanMs: 200, sdMs: 20 });
    expect(mean(n)).toBeGreaterThan(195);
    expect(mean(n)).toBeLessThan(205);
    expect(Math.min(...draw({ dist: 'normal', meanMs: 5, sdMs: 50 }))).toBe(0);
  });

  it('lays out partitions from a seed, the same way each time', () => {
    const actors = ['a', 'b', 'c', 'd', 'e', 'f'];
    const halves = (seed: string) =>
      layoutPartition({ kind: 'partition', shape: 'halves', actors }, createRandom(seed)).groups;
    expect(halves('s')).toEqual(halves('s'));
    expect(halves('s')[0]).toHaveLength(3);
    const iso = layoutPartition(
      { kind: 'partition', shape: 'isolate', actors, oneWay: true },
      createRandom('x'),
    );
    const target = iso.groups[0]![0]!;
    const other = actors.find((a) => a !== target)!;
    expect(iso.cuts(target, other)).toBe(true);
    expect(iso.cuts(other, target)).toBe(false);
    expect(iso.cuts('outsider', target)).toBe(false);
  });
});
