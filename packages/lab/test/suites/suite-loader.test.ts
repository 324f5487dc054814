import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILT_IN_SUITES_DIR } from '../../src/suites/suite-source.js';
import { criticalPathLength, longestPathToEnd, parallelFraction } from '@llm-teams/agents';
import { listSuites, loadSuite, validateSuite } from '../../src/suites/suite-loader.js';
import { tempDir, validFixture, writeFixtureSuite } from './fixture-suite.js';

const PAPER_SUITES = ['math', 'data', 'svg'];
const STRUCTURES = [
  { p: 0.9, criticalPath: 2, chain: 0 },
  { p: 0.5, criticalPath: 10, chain: 10 },
  { p: 0.2, criticalPath: 16, chain: 16 },
];

describe('built-in suites', () => {
  it('lists the three paper suites and the tiny fixture', async () => {
    const suites = await listSuites();
    expect(suites.map((s) => s.id)).toEqual(['data', 'math', 'svg', 'tiny']);
    for (const id of PAPER_SUITES) {
      const summary = suites.find((s) => s.id === id)!;
      expect(summary).toMatchObject({ builtIn: true, fixture: false });
      expect(summary.structures.map((s) => [s.p, s.taskCount, s.criticalPath])).toEqual(
        STRUCTURES.map((s) => [s.p, 20, s.criticalPath]),
      );
    }
    expect(suites.find((s) => s.id === 'tiny')).toMatchObject({
      fixture: true,
      structures: [{ p: 0.5, taskCount: 6, criticalPath: 3 }],
    });
  });

  it.each([...PAPER_SUITES, 'tiny'])('%s validates without issues', async (id) => {
    expect(await validateSuite({ suite: id })).toEqual([]);
  });

  describe.each(PAPER_SUITES)('%s', (id) => {
    it.each(STRUCTURES)(
      'p = $p: 20 tasks, critical path $criticalPath',
      async ({ p, criticalPath, chain }) => {
        const suite = await loadSuite({ suite: id, p });
        expect(suite.id).toBe(id);
        expect(suite.p).toBe(p);
        expect(suite.tasks).toHaveLength(20);
        expect(new Set(suite.tasks.map((t) => t.id)).size).toBe(20);
        expect(criticalPathLength(suite.tasks)).toBe(criticalPath);
        expect(parallelFraction(suite.tasks)).toBeCloseTo(p, 12);

        const dependent = suite.tasks.filter((t) => t.deps.length > 0);
        if (chain === 0) {
          expect(dependent).toHaveLength(1);
          expect(dependent[0]!.deps).toHaveLength(19);
        } else {
          // A single chain: task k depends on task k - 1, and the rest are independent.
          expect(dependent).toHaveLength(chain - 1);
          dependent.forEach((t, k) => expect(t.deps).toEqual([suite.tasks[k]!.id]));
          expect(longestPathToEnd(suite.tasks).get(suite.tasks[0]!.id)).toBe(chain);
        }

        for (const task of suite.tasks) {
          expect(task.files).toHaveLength(1);
          expect(Object.keys(task.reference)).toEqual(task.files);
          expect(Object.keys(task.tests).length).toBeGreaterThan(0);
          // The spec names the file to write, and each dependency's file it builds on.
          expect(task.spec).toContain(`\`${task.files[0]!}\``);
          for (const dep of task.deps) {
            const depFile = suite.tasks.find((t) => t.id === dep)!.files[0]!;
            expect(task.spec).toContain(depFile.replace(/^src\//, ''));
          }
        }
      },
    );
  });

  it('tiny is a chain of 3 beside 3 independent tasks', async () => {
    const suite = await loadSuite({ suite: 'tiny', p: 0.5 });
    expect(suite.tasks.map((t) => [t.id, t.deps])).toEqual([
      ['words', []],
      ['slug', ['words']],
      ['unique-slugs', ['slug']],
      ['reverse', []],
      ['palindrome', []],
      ['vowels', []],
    ]);
    expect(criticalPathLength(suite.tasks)).toBe(3);
  });
});

describe('user suites', () => {
  let root: { dir: string; remove: () => Promise<void> };

  beforeAll(async () => {
    root = await tempDir('llmt-user-suites-');
    await writeFixtureSuite(join(root.dir, 'mine'), validFixture('mine'));
    // A user copy of a built-in shadows it in the search path.
    await cp(join(BUILT_IN_SUITES_DIR, 'tiny'), join(root.dir, 'tiny'), { recursive: true });
  });

  afterAll(async () => {
    await root.remove();
  });

  it('are found in extra search directories, before the built-in ones', async () => {
    const suites = await listSuites({ searchDirs: [root.dir] });
    expect(suites.map((s) => [s.id, s.builtIn])).toEqual([
      ['data', true],
      ['math', true],
      ['mine', false],
      ['svg', true],
      ['tiny', false],
    ]);
    const mine = await loadSuite({ suite: 'mine', p: 0.33, searchDirs: [root.dir] });
    expect(mine.tasks.map((t) => t.id)).toEqual(['a', 'b', 'c']);
  });

  it('load by path', async () => {
    const mine = await loadSuite({ suite: join(root.dir, 'mine'), p: 0.33 });
    expect(mine.id).toBe('mine');
    await expect(loadSuite({ suite: 'mine', p: 0.33 })).rejects.toThrow(
      /unknown suite "mine"; known suites: data, math, svg, tiny/,
    );
  });
});
