import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '@llm-teams/testkit';

const root = fileURLToPath(new URL('../../../..', import.meta.url));
const run = promisify(execFile);

describe('npm run docs:bugs: a bug page from the shipped commands', () => {
  const dir = tempDir('llmt-bug-pages-');
  afterAll(() => dir.cleanup());

  // A whole CLI run with a Chromium render: its limit is the command's own, not the tier's 60 s.
  it(
    'writes the page (shrunk schedule, checker explanation) and its space-time picture, a PNG rendered in Chromium',
    { timeout: 240_000 },
    async () => {
      const docs = join(dir.dir, 'docs');
      await run(
        'npm',
        [
          'run',
          '--silent',
          'docs:bugs',
          '--',
          '--bug',
          'double-execution',
          '--docs',
          docs,
          '--runs',
          join(dir.dir, 'runs'),
        ],
        { cwd: root, timeout: 240_000 },
      );
      const md = readFileSync(join(docs, 'double-execution.md'), 'utf8');
      expect(md).toMatch(/^# Bug: `double-execution`/);
      // The shrunk schedule keeps the redelivery that exposes the bug.
      expect(md).toMatch(/```text\n\s*\d+ {2}redeliver \S+/);
      expect(md).toMatch(/ERROR \[duplicate\] \S+ processed \S+ \S+ from \S+ twice/);
      expect(md).toContain('![space-time diagram of the shrunk run](double-execution.png)');
      const png = readFileSync(join(docs, 'double-execution.png'));
      expect(png.subarray(1, 4).toString()).toBe('PNG');
      expect(png.length).toBeGreaterThan(20_000);
    },
  );
});
