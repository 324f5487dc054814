import { describe, expect, it } from 'vitest';
import {
  AgentsError,
  criticalPath,
  criticalPathLength,
  dependencyClosure,
  findDependencyCycle,
  longestPathToEnd,
  parallelFraction,
  topologicalOrder,
  totalWork,
  type DagTask,
} from '@llm-teams/agents';

const task = (id: string, deps: string[] = [], weight?: number): DagTask =>
  weight === undefined ? { id, deps } : { id, deps, weight };

/** The paper's shape: a chain of `chain` tasks beside `n - chain` independent ones. */
function chainPlusIndependent(n: number, chain: number): DagTask[] {
  return Array.from({ length: n }, (_, i) =>
    task(`t${i}`, i > 0 && i < chain ? [`t${i - 1}`] : []),
  );
}

describe('critical path and parallel fraction', () => {
  it('matches the paper: 20 tasks with critical paths 2, 10, 16 give p = 0.9, 0.5, 0.2', () => {
    const fanIn = [
      ...Array.from({ length: 19 }, (_, i) => task(`t${i}`)),
      task(
        'all',
        Array.from({ length: 19 }, (_, i) => `t${i}`),
      ),
    ];
    expect(criticalPathLength(fanIn)).toBe(2);
    expect(parallelFraction(fanIn)).toBeCloseTo(0.9, 12);
    expect(criticalPathLength(chainPlusIndependent(20, 10))).toBe(10);
    expect(parallelFraction(chainPlusIndependent(20, 10))).toBeCloseTo(0.5, 12);
    expect(criticalPathLength(chainPlusIndependent(20, 16))).toBe(16);
    expect(parallelFraction(chainPlusIndependent(20, 16))).toBeCloseTo(0.2, 12);
  });

  it('weights count towards work and span', () => {
    const tasks = [task('a', [], 3), task('b', ['a']), task('c', [], 2)];
    expect(totalWork(tasks)).toBe(6);
    expect(criticalPathLength(tasks)).toBe(4);
    expect(parallelFraction(tasks)).toBeCloseTo(1 - 4 / 6, 12);
    expect(criticalPath(tasks)).toEqual(['a', 'b']);
  });

  it('handles empty and single-task graphs', () => {
    expect(criticalPathLength([])).toBe(0);
    expect(parallelFraction([])).toBe(0);
    expect(criticalPath([task('x')])).toEqual(['x']);
    expect(parallelFraction([task('x')])).toBe(0);
  });
});

describe('longestPathToEnd', () => {
  it('ranks the head of the longest chain first', () => {
    const tasks = [task('a'), task('b', ['a']), task('c', ['b']), task('d'), task('e', ['a', 'd'])];
    const level = longestPathToEnd(tasks);
    expect(Object.fromEntries(level)).toEqual({ a: 3, b: 2, c: 1, d: 2, e: 1 });
    expect(criticalPath(tasks)).toEqual(['a', 'b', 'c']);
  });
});

describe('order, closure and cycles', () => {
  it('topologicalOrder puts dependencies first and keeps input order on ties', () => {
    const tasks = [task('c', ['b']), task('x'), task('b', ['a']), task('a')];
    const order = topologicalOrder(tasks);
    expect(order).toEqual(['a', 'b', 'c', 'x']);
  });

  it('dependencyClosure is transitive', () => {
    const tasks = [task('a'), task('b', ['a']), task('c', ['b']), task('d')];
    expect([...dependencyClosure(tasks, 'c')].sort()).toEqual(['a', 'b']);
    expect(dependencyClosure(tasks, 'd').size).toBe(0);
  });

  it('findDependencyCycle names the cycle', () => {
    const tasks = [task('a', ['c']), task('b', ['a']), task('c', ['b']), task('d')];
    expect(findDependencyCycle(tasks)).toEqual(['a', 'c', 'b', 'a']);
    expect(findDependencyCycle([task('a'), task('b', ['a'])])).toBeUndefined();
  });

  it('rejects graphs that are not DAGs over known ids', () => {
    const expectInvalid = (tasks: DagTask[], message: RegExp): void => {
      try {
        criticalPathLength(tasks);
        expect.unreachable('criticalPathLength should have thrown');
      } catch (err) {
        expect(err).toBeInstanceOf(AgentsError);
        expect((err as AgentsError).code).toBe('INVALID_DAG');
        expect((err as AgentsError).message).toMatch(message);
      }
    };
    expectInvalid([task('a', ['b']), task('b', ['a'])], /dependency cycle: a -> b -> a/);
    expectInvalid([task('a', ['ghost'])], /unknown task "ghost"/);
    expectInvalid([task('a'), task('a')], /duplicate task id "a"/);
  });
});

describe('long chains', () => {
  it('do not overflow the stack', () => {
    const chain = Array.from({ length: 20_000 }, (_, i) =>
      task(`t${i}`, i === 0 ? [] : [`t${i - 1}`]),
    );
    expect(topologicalOrder([...chain].reverse())[0]).toBe('t0');
    expect(criticalPathLength(chain)).toBe(20_000);
    expect(findDependencyCycle(chain)).toBeUndefined();
  });
});
