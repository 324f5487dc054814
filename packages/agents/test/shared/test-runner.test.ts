import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createTestRunner, type TaskSpec } from '@llm-teams/agents';
import { until } from '../../../../test/support/index.js';

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

describe('test runner', () => {
  it('runs tests in a child process and reuses a conclusive result for identical files', async () => {
    const runner = createTestRunner({ timeoutMs: 20_000 });
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
    const runner = createTestRunner({ timeoutMs: 300 });
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
