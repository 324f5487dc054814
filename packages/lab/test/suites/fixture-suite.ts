import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeWorkspaceFiles } from '../../src/suites/suite-workspace.js';

export interface FixtureTask {
  /** task.json; written as JSON unless a string (to write malformed JSON). */
  manifest?: unknown;
  spec?: string;
  reference?: Record<string, string>;
  tests?: Record<string, string>;
  variants?: Record<
    string,
    { spec?: string; reference?: Record<string, string>; tests?: Record<string, string> }
  >;
}

export interface FixtureSuite {
  /** suite.json; written as JSON unless a string. */
  manifest: unknown;
  tasks: Record<string, FixtureTask>;
}

const json = (value: unknown): string =>
  typeof value === 'string' ? value : `${JSON.stringify(value, null, 2)}\n`;

/** Writes a suite directory in the on-disk format of docs/suites.md. */
export async function writeFixtureSuite(dir: string, suite: FixtureSuite): Promise<void> {
  const files: Record<string, string> = { 'suite.json': json(suite.manifest) };
  for (const [id, task] of Object.entries(suite.tasks)) {
    if (task.manifest !== undefined) files[`tasks/${id}/task.json`] = json(task.manifest);
    if (task.spec !== undefined) files[`tasks/${id}/spec.md`] = task.spec;
    for (const [path, content] of Object.entries(task.reference ?? {}))
      files[`tasks/${id}/reference/${path}`] = content;
    for (const [path, content] of Object.entries(task.tests ?? {}))
      files[`tasks/${id}/tests/${path}`] = content;
    for (const [name, variant] of Object.entries(task.variants ?? {})) {
      const base = `tasks/${id}/variants/${name}`;
      if (variant.spec !== undefined) files[`${base}/spec.md`] = variant.spec;
      for (const [path, content] of Object.entries(variant.reference ?? {}))
        files[`${base}/reference/${path}`] = content;
      for (const [path, content] of Object.entries(variant.tests ?? {}))
        files[`${base}/tests/${path}`] = content;
    }
  }
  await writeWorkspaceFiles(dir, files);
}

/** A well-formed task writing `src/<id>.js` that exports `<id>()` (returning `value`) and imports `imports`. */
export function moduleTask(
  id: string,
  options: { imports?: string[]; value?: number } = {},
): FixtureTask {
  const imports = options.imports ?? [];
  const importLines = imports
    .map((dep) => `import { ${dep} as dep_${dep} } from './${dep}.js';\n`)
    .join('');
  const sum = ['0', ...imports.map((dep) => `dep_${dep}()`)].join(' + ');
  return {
    manifest: { title: `Task ${id}`, files: [`src/${id}.js`] },
    spec: `# ${id}\n\nWrite \`src/${id}.js\` exporting \`${id}()\`.\n`,
    reference: {
      [`src/${id}.js`]: `${importLines}export function ${id}() {\n  return ${options.value ?? 1} + ${sum};\n}\n`,
    },
    tests: {
      [`test/${id}.test.js`]:
        `import { test } from 'node:test';\nimport assert from 'node:assert/strict';\nimport { ${id} } from '../src/${id}.js';\n\n` +
        `test('${id} returns a number', () => {\n  assert.equal(typeof ${id}(), 'number');\n});\n`,
    },
  };
}

/** A valid three-task suite: `a`, `b` depending on `a` (imports it), and `c`. p = 1 - 2/3. */
export function validFixture(id = 'fixture'): FixtureSuite {
  return {
    manifest: {
      id,
      name: 'Fixture',
      description: 'A test fixture.',
      structures: [
        {
          p: 0.33,
          taskCount: 3,
          criticalPath: 2,
          tasks: [{ task: 'a' }, { task: 'b', deps: ['a'] }, { task: 'c' }],
        },
      ],
    },
    tasks: { a: moduleTask('a'), b: moduleTask('b', { imports: ['a'] }), c: moduleTask('c') },
  };
}

/** A fresh temporary directory and a way to remove it. */
export async function tempDir(
  prefix: string,
): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}
