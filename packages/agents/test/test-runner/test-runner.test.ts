import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTestRunner, type TaskSpec } from '@llm-teams/agents';
import { createTestClock, until } from '@llm-teams/testkit';

/** Whether any process's command line mentions `needle` (Linux /proc). */
function running(needle: string): boolean {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .some((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(needle);
      } catch {
        return false;
      }
    });
}

const task = (id: string, body: string): TaskSpec => ({
  id,
  title: id,
  spec: '',
  files: [`src/${id}.js`],
  deps: [],
  reference: {},
  tests: {
    [`test/${id}.test.js`]: `import { test } from 'node:test';\nimport assert from 'node:assert/strict';\nimport { f } from '../src/${id}.js';\ntest('f', () => { ${body} });\n`,
  },
});

/**
 * node:test's call for a test still to be written, spelled from parts: the fixture below is a
 * user's test file, and the literal would read as a pending test of this suite.
 */
const NODE_TEST_TODO = ['test', 'todo'].join('.');

/** Test files written against node:test, with whether `node --test` passes them. */
const NODE_TEST_CASES: { name: string; source: string; passes: boolean }[] = [
  {
    name: 'describe, it, hooks in order',
    passes: true,
    source: `import { describe, it, before, beforeEach, afterEach, after } from 'node:test';
import assert from 'node:assert/strict';
const log = [];
describe('outer', () => {
  before(() => log.push('before'));
  beforeEach(() => log.push('each'));
  afterEach(() => log.push('after-each'));
  after(() => assert.deepEqual(log, ['before', 'each', 'one', 'after-each', 'each', 'two', 'after-each']));
  it('one', () => log.push('one'));
  it('two', async () => { await Promise.resolve(); log.push('two'); });
});`,
  },
  {
    name: 'a done callback reporting an error',
    passes: false,
    source: `import { test } from 'node:test';
test('callback', (t, done) => { setTimeout(() => done(new Error('late failure')), 1); });`,
  },
  {
    name: 'skip and todo do not fail the run',
    passes: true,
    source: `import { test } from 'node:test';
test('skipped', { skip: true }, () => { throw new Error('never runs'); });
${NODE_TEST_TODO}('todo fails quietly', () => { throw new Error('not yet'); });
test('skips itself', (t) => { t.skip('later'); });`,
  },
  {
    name: 'a failing subtest fails its parent',
    passes: false,
    source: `import test from 'node:test';
import assert from 'node:assert/strict';
test('parent', async (t) => {
  await t.test('child', () => assert.equal(1, 2));
});`,
  },
  {
    name: 'a module that throws on load',
    passes: false,
    source: `import { test } from 'node:test';
import { f } from '../src/missing.js';
test('never', () => f());`,
  },
];

describe('test runner', () => {
  it('runs tests in a worker thread and reuses a conclusive result for identical files', async () => {
    const runner = createTestRunner({ timeoutMs: 20_000 });
    const t = task(`thread${process.pid}`, 'assert.equal(f(1), 2);');
    const good = { [`src/${t.id}.js`]: 'export const f = (x) => x + 1;\n' };
    const bad = { [`src/${t.id}.js`]: 'export const f = (x) => x;\n' };
    const first = await runner.run(t, good);
    expect(first).toMatchObject({ passed: true, conclusive: true, isolation: 'thread' });
    const again = await runner.run(t, good);
    expect(again).toMatchObject({ passed: true, cached: true });
    const failing = await runner.run(t, bad);
    expect(failing).toMatchObject({ passed: false, isolation: 'thread' });
    expect(failing.output).toMatch(/✖ f[\s\S]*1 !== 2[\s\S]*ℹ fail 1/);
    await runner.close();
  });

  it('agrees with node --test on describe, hooks, callbacks, skip, todo, subtests and load errors', async () => {
    const thread = createTestRunner({ timeoutMs: 20_000, cache: false });
    const proc = createTestRunner({ timeoutMs: 20_000, cache: false, isolation: 'process' });
    const verdicts = await Promise.all(
      NODE_TEST_CASES.map(async (c, i) => {
        const spec: TaskSpec = {
          id: `case${i}`,
          title: c.name,
          spec: '',
          files: [],
          deps: [],
          reference: {},
          tests: { [`test/case${i}.test.js`]: c.source },
        };
        const [a, b] = [await thread.run(spec, {}), await proc.run(spec, {})];
        expect(a.isolation, c.name).toBe('thread');
        return { name: c.name, thread: a.passed, process: b.passed };
      }),
    );
    expect(verdicts).toEqual(
      NODE_TEST_CASES.map((c) => ({ name: c.name, thread: c.passes, process: c.passes })),
    );
    await Promise.all([thread.close(), proc.close()]);
  });

  it('runs in a process what the thread cannot: node:test features it lacks, file access', async () => {
    const runner = createTestRunner({ timeoutMs: 20_000, cache: false });
    const spec = (id: string, source: string): TaskSpec => ({
      id,
      title: id,
      spec: '',
      files: [],
      deps: [],
      reference: {},
      tests: { [`test/${id}.test.js`]: source },
    });
    const mock = await runner.run(
      spec(
        'mock',
        "import { test } from 'node:test';\nimport assert from 'node:assert/strict';\ntest('mock', (t) => { const f = t.mock.fn(() => 1); f(); assert.equal(f.mock.callCount(), 1); });\n",
      ),
      {},
    );
    expect(mock).toMatchObject({ passed: true, isolation: 'process' });
    const fs = await runner.run(
      spec(
        'cwd',
        "import { test } from 'node:test';\nimport { existsSync } from 'node:fs';\nimport assert from 'node:assert/strict';\ntest('cwd', () => assert.ok(existsSync('test/cwd.test.js')));\n",
      ),
      {},
    );
    expect(fs).toMatchObject({ passed: true, isolation: 'process' });
    await runner.close();
  });

  it('ends a thread run past its time limit and keeps serving runs', async () => {
    const runner = createTestRunner({ timeoutMs: 500 });
    const t = task(`spin${process.pid}`, 'while (true) {}');
    const files = { [`src/${t.id}.js`]: 'export const f = (x) => x;\n' };
    const first = await runner.run(t, files);
    expect(first).toMatchObject({ passed: false, timedOut: true, conclusive: false });
    const ok = task(`after${process.pid}`, 'assert.equal(f(2), 2);');
    const next = await runner.run(ok, { [`src/${ok.id}.js`]: 'export const f = (x) => x;\n' });
    expect(next).toMatchObject({ passed: true, isolation: 'thread' });
    await runner.close();
  });

  for (const isolation of ['thread', 'process'] as const) {
    it(`keeps the time limit on its clock (${isolation}): a run ends when that clock passes the limit`, async () => {
      const clock = createTestClock();
      const runner = createTestRunner({ timeoutMs: 3_600_000, isolation, clock, cache: false });
      const t = task(`clock${isolation}${process.pid}`, 'while (true) {}');
      const pending = runner.run(t, { [`src/${t.id}.js`]: 'export const f = (x) => x;\n' });
      // An hour of the runner's clock passes at once; the wall clock barely moves.
      await clock.waitForTimer((ms) => ms === 3_600_000);
      clock.fire((ms) => ms === 3_600_000);
      const result = await pending;
      expect(result).toMatchObject({ passed: false, timedOut: true, conclusive: false });
      if (isolation === 'process') expect(result.durationMs).toBe(3_600_000);
      await runner.close();
    });
  }

  it('keeps its process alive while a run is on, and not after', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'llmt-exit-'));
    const script = join(dir, 'script.mts');
    const agents = new URL('../../src/index.ts', import.meta.url).href;
    writeFileSync(
      script,
      `import { createTestRunner } from ${JSON.stringify(agents)};
const runner = createTestRunner();
const task = { id: 'exit', title: '', spec: '', files: [], deps: [], reference: {},
  tests: { 'test/exit.test.js': "import { test } from 'node:test';\\ntest('ok', () => {});\\n" } };
const r = await runner.run(task, {});
await runner.close();
console.log(r.isolation, r.passed);
`,
    );
    const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: 'pipe' });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    rmSync(dir, { recursive: true, force: true });
    expect(out.trim()).toBe('thread true');
    expect(code).toBe(0);
  });

  it('runs tests in a child process and reuses a conclusive result for identical files', async () => {
    const runner = createTestRunner({ timeoutMs: 20_000, isolation: 'process' });
    const t = task(`cache${process.pid}`, 'assert.equal(f(1), 2);');
    const good = { [`src/${t.id}.js`]: 'export const f = (x) => x + 1;\n' };
    const bad = { [`src/${t.id}.js`]: 'export const f = (x) => x;\n' };
    const first = await runner.run(t, good);
    expect(first).toMatchObject({ passed: true, conclusive: true });
    expect(first.cached).toBeUndefined();
    const again = await runner.run(t, good);
    expect(again).toMatchObject({ passed: true, cached: true, durationMs: first.durationMs });
    const failing = await runner.run(t, bad);
    expect(failing.passed).toBe(false);
    expect(failing.output).toMatch(/fail/i);
    await runner.close();
  });

  it('does not remember a run cut short by its time limit', async () => {
    const runner = createTestRunner({ timeoutMs: 300, isolation: 'process' });
    const t = task(`hang${process.pid}`, 'while (true) {}');
    const files = { [`src/${t.id}.js`]: 'export const f = (x) => x;\n' };
    const first = await runner.run(t, files);
    expect(first).toMatchObject({ passed: false, timedOut: true, conclusive: false });
    const second = await runner.run(t, files);
    expect(second.cached).toBeUndefined();
    expect(second.timedOut).toBe(true);
    await runner.close();
    // The spinning test file's own process (node --test's child) is gone too.
    await until(
      'no process left running the hanging test',
      () => !running(`${t.id}.test.js`),
      4_000,
    );
  });
});
