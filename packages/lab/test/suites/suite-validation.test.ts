import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TaskSuite } from '@llm-teams/agents';
import { LabError } from '../../src/lab-error.js';
import {
  SuiteValidationError,
  validateTaskSuite,
  type SuiteIssue,
  type SuiteIssueCode,
} from '../../src/suites/suite-validation.js';
import { loadSuite, validateSuite } from '../../src/suites/suite-loader.js';
import {
  moduleTask,
  tempDir,
  validFixture,
  writeFixtureSuite,
  type FixtureSuite,
} from './fixture-suite.js';

let root: { dir: string; remove: () => Promise<void> };

beforeEach(async () => {
  root = await tempDir('llmt-suite-validation-');
});

afterEach(async () => {
  await root.remove();
});

/** Writes the fixture as suite `bad` (or `fixture.manifest.id`) and returns its issues. */
async function issuesOf(fixture: FixtureSuite): Promise<SuiteIssue[]> {
  const dir = join(root.dir, 'bad');
  await writeFixtureSuite(dir, fixture);
  return validateSuite({ suite: dir });
}

/** The structure of a fixture's manifest, for in-place edits. */
function structureOf(fixture: FixtureSuite): {
  p: number;
  taskCount: number;
  criticalPath: number;
  tasks: { task: string; variant?: string; deps?: string[] }[];
} {
  return (fixture.manifest as { structures: ReturnType<typeof structureOf>[] }).structures[0]!;
}

const codes = (issues: SuiteIssue[]): SuiteIssueCode[] => issues.map((i) => i.code);

describe('a valid suite', () => {
  it('validates clean and loads, variants merged in', async () => {
    const fixture = validFixture('bad');
    fixture.tasks.c!.variants = {
      chained: {
        spec: '## Also\n\nImport `a` from `./a.js`.\n',
        reference: {
          'src/c.js': "import { a } from './a.js';\n\nexport const twice = () => 2 * a();\n",
        },
      },
    };
    structureOf(fixture).tasks[2] = { task: 'c', variant: 'chained', deps: ['a'] };
    expect(await issuesOf(fixture)).toEqual([]);
    const suite = await loadSuite({ suite: join(root.dir, 'bad'), p: 0.33 });
    expect(suite).toMatchObject({ id: 'bad', name: 'Fixture', p: 0.33 });
    expect(suite.tasks.map((t) => [t.id, t.deps])).toEqual([
      ['a', []],
      ['b', ['a']],
      ['c', ['a']],
    ]);
    const c = suite.tasks[2]!;
    expect(c.spec).toContain('## Also');
    expect(c.reference['src/c.js']).toMatch(
      /^import \{ a \} from '\.\/a\.js';\n\nexport function c\(\)/,
    );
    expect(c.reference['src/c.js']).toContain('export const twice');
  });
});

describe('malformed suites are clear errors before any run', () => {
  it('a dependency cycle, named', async () => {
    const fixture = validFixture('bad');
    structureOf(fixture).tasks = [
      { task: 'a', deps: ['c'] },
      { task: 'b', deps: ['a'] },
      { task: 'c', deps: ['b'] },
    ];
    const issues = await issuesOf(fixture);
    const cycle = issues.find((i) => i.code === 'DEPENDENCY_CYCLE');
    expect(cycle?.message).toBe(
      'suite "bad", p = 0.33, task "a": dependency cycle: a -> c -> b -> a',
    );
    const error = await loadSuite({ suite: join(root.dir, 'bad'), p: 0.33 }).catch(
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(SuiteValidationError);
    expect(error).toBeInstanceOf(LabError);
    expect((error as SuiteValidationError).code).toBe('INVALID_SUITE');
    expect((error as SuiteValidationError).message).toContain('dependency cycle: a -> c -> b -> a');
    expect((error as SuiteValidationError).issues).toEqual(issues);
  });

  it('a self-dependency is a cycle too', async () => {
    const fixture = validFixture('bad');
    structureOf(fixture).tasks[2] = { task: 'c', deps: ['c'] };
    expect((await issuesOf(fixture)).find((i) => i.code === 'DEPENDENCY_CYCLE')?.message).toContain(
      'c -> c',
    );
  });

  it('an unknown dependency', async () => {
    const fixture = validFixture('bad');
    structureOf(fixture).tasks[1] = { task: 'b', deps: ['a', 'zz'] };
    const issues = await issuesOf(fixture);
    expect(issues).toContainEqual({
      code: 'UNKNOWN_DEPENDENCY',
      suite: 'bad',
      p: 0.33,
      task: 'b',
      message: 'suite "bad", p = 0.33, task "b": depends on unknown task "zz"',
    });
  });

  it('a task with no test', async () => {
    const fixture = validFixture('bad');
    delete fixture.tasks.c!.tests;
    const issues = await issuesOf(fixture);
    expect(issues.map((i) => i.message)).toContain(
      'suite "bad", p = 0.33, task "c": has no test file',
    );
    await expect(loadSuite({ suite: join(root.dir, 'bad'), p: 0.33 })).rejects.toThrow(
      /task "c": has no test file/,
    );
  });

  it('tests that import none of the task files', async () => {
    const fixture = validFixture('bad');
    fixture.tasks.c!.tests = {
      'test/c.test.js': "import { test } from 'node:test';\ntest('nothing', () => {});\n",
    };
    expect(codes(await issuesOf(fixture))).toEqual(['MISSING_TEST']);
  });

  it('duplicate task ids', async () => {
    const fixture = validFixture('bad');
    structureOf(fixture).tasks.push({ task: 'c' });
    structureOf(fixture).taskCount = 4;
    expect(codes(await issuesOf(fixture))).toContain('DUPLICATE_TASK');
  });

  it('a file written by two tasks', async () => {
    const fixture = validFixture('bad');
    fixture.tasks.c = {
      ...moduleTask('c'),
      manifest: { title: 'c', files: ['src/c.js', 'src/a.js'] },
    };
    fixture.tasks.c.reference = {
      ...fixture.tasks.c.reference,
      'src/a.js': 'export const a = () => 2;\n',
    };
    const issues = await issuesOf(fixture);
    expect(issues.map((i) => i.message)).toContain(
      'suite "bad", p = 0.33, task "c": writes "src/a.js", which task "a" also writes',
    );
  });

  it('missing and undeclared reference files', async () => {
    const fixture = validFixture('bad');
    fixture.tasks.a!.manifest = { title: 'a', files: ['src/a.js', 'src/a-helpers.js'] };
    fixture.tasks.c!.reference = { ...fixture.tasks.c!.reference, 'src/extra.js': '' };
    const issues = await issuesOf(fixture);
    expect(issues.map((i) => i.message)).toEqual([
      'suite "bad", p = 0.33, task "a": has no reference solution for "src/a-helpers.js"',
      'suite "bad", p = 0.33, task "c": has a reference for "src/extra.js", which is not among its files',
    ]);
  });

  it('an import of a task that is not a dependency, and of a file nobody writes', async () => {
    const fixture = validFixture('bad');
    fixture.tasks.c = moduleTask('c', { imports: ['b'] });
    fixture.tasks.a = moduleTask('a', { imports: ['nowhere'] });
    const messages = (await issuesOf(fixture)).map((i) => i.message);
    expect(messages).toContain(
      'suite "bad", p = 0.33, task "c": "src/c.js" imports "src/b.js" of task "b", which is not among its dependencies',
    );
    expect(messages).toContain(
      'suite "bad", p = 0.33, task "a": "src/a.js" imports "src/nowhere.js", which no task writes',
    );
  });

  it('wrong task count, critical path and p', async () => {
    const fixture = validFixture('bad');
    Object.assign(structureOf(fixture), { taskCount: 4, criticalPath: 3, p: 0.5 });
    const messages = (await issuesOf(fixture)).map((i) => i.message);
    expect(messages).toEqual([
      'suite "bad", p = 0.5: declares 4 tasks but lists 3',
      'suite "bad", p = 0.5: declares a critical path of 3 but its longest chain is 2',
      'suite "bad", p = 0.5: declares p = 0.5 but 1 - criticalPath / work = 0.333',
    ]);
  });

  it('unknown task directories and variants', async () => {
    const fixture = validFixture('bad');
    structureOf(fixture).tasks = [
      { task: 'a', variant: 'nope' },
      { task: 'b', deps: ['a'] },
      { task: 'ghost' },
    ];
    const messages = (await issuesOf(fixture)).map((i) => i.message);
    expect(messages).toEqual([
      'suite "bad", p = 0.33, task "a": has no variant "nope" (known: none)',
      'suite "bad", p = 0.33, task "ghost": there is no task directory tasks/ghost/',
    ]);
  });

  it('malformed manifests', async () => {
    const fixture = validFixture('bad');
    fixture.tasks.b!.manifest = '{ "title": ';
    fixture.tasks.c!.manifest = { title: 'c', files: ['../escape.js'] };
    const messages = (await issuesOf(fixture)).map((i) => i.message);
    expect(messages[0]).toMatch(/^suite "bad", task "b": task\.json is invalid: not valid JSON/);
    expect(messages[1]).toMatch(
      /^suite "bad", task "c": task\.json is invalid: files\[0\]: use a relative POSIX path/,
    );

    const dir = join(root.dir, 'broken');
    await writeFixtureSuite(dir, {
      manifest: { id: 'broken', name: 'x', structures: [] },
      tasks: {},
    });
    const suiteIssues = await validateSuite({ suite: dir });
    expect(suiteIssues).toHaveLength(1);
    expect(suiteIssues[0]!.code).toBe('INVALID_MANIFEST');
    expect(suiteIssues[0]!.message).toMatch(/description: .*; structures: /);
    await expect(loadSuite({ suite: dir, p: 0.5 })).rejects.toThrow(SuiteValidationError);
  });

  it('a p the suite does not declare, and an unknown suite', async () => {
    await writeFixtureSuite(join(root.dir, 'bad'), validFixture('bad'));
    const error = await loadSuite({ suite: join(root.dir, 'bad'), p: 0.9 }).catch(
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(LabError);
    expect((error as LabError).code).toBe('UNKNOWN_STRUCTURE');
    expect((error as LabError).message).toBe(
      'suite "bad" has no structure with p = 0.9; it declares p = 0.33',
    );
    await expect(loadSuite({ suite: 'no-such-suite', p: 0.5 })).rejects.toMatchObject({
      code: 'UNKNOWN_SUITE',
    });
    await expect(loadSuite({ suite: join(root.dir, 'missing'), p: 0.5 })).rejects.toMatchObject({
      code: 'UNKNOWN_SUITE',
    });
  });
});

describe('validateTaskSuite on an in-memory suite', () => {
  it('reports graph and file problems of a TaskSuite built in code', () => {
    const suite: TaskSuite = {
      id: 'mem',
      name: 'In memory',
      p: 0.5,
      tasks: [
        {
          id: 'x',
          title: 'x',
          spec: '',
          files: ['src/x.js'],
          deps: ['y'],
          reference: { 'src/x.js': '' },
          tests: { 'test/x.test.js': "import '../src/x.js';" },
        },
        {
          id: 'y',
          title: 'y',
          spec: '',
          files: ['src/y.js'],
          deps: ['x'],
          reference: {},
          tests: {},
        },
      ],
    };
    expect(codes(validateTaskSuite(suite))).toEqual([
      'DEPENDENCY_CYCLE',
      'MISSING_REFERENCE',
      'MISSING_TEST',
    ]);
  });
});
