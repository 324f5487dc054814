/**
 * docs/lab.md shows only commands a test runs: every `llm-teams` command on the page (in a
 * code block or inline) is run here as written, in the page's order, in a scratch directory;
 * `npm run demo` is the README's test's; `npm run bench:*` lines are benchmarks (run by hand,
 * their figures dated on the page), and must name a script that exists.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { docCommands, runCli } from '@llm-teams/testkit';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const page = readFileSync(join(ROOT, 'docs', 'lab.md'), 'utf8');
const scripts = (
  JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  }
).scripts;

const commands = docCommands(page);
const cliCommands = commands
  .filter((c) => c.startsWith('llm-teams '))
  .map((c) => c.replace(/^llm-teams /, '').split(/\s+/));

describe("docs/lab.md's commands", () => {
  const cwd = mkdtempSync(join(tmpdir(), 'llmt-lab-doc-'));
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  it('are llm-teams commands, the demo, or benchmarks the root package.json defines', () => {
    expect(cliCommands.length).toBeGreaterThan(0);
    for (const c of commands.filter((c) => c.startsWith('npm run '))) {
      const script = c.split(/\s+/)[2]!;
      if (script === 'demo') expect(c).toBe('npm run demo');
      else {
        expect(script, c).toMatch(/^bench(:|$)/);
        expect(scripts[script], c).toBeDefined();
      }
    }
  });

  it('each llm-teams command runs as written, in order, and exits 0', async () => {
    for (const args of cliCommands) {
      const res = await runCli(args, { cwd });
      expect(res.code, `llm-teams ${args.join(' ')}\n${res.stderr}`).toBe(0);
      // Runs and sweeps say how they ended first; every run of them completed.
      if (args[0] === 'run') expect(res.stdout).toMatch(/^completed: .*; (\d+)\/\1 tasks/);
      if (args[0] === 'sweep') expect(res.stdout).toMatch(/^completed: .*\(0 failed\)/);
      // What a run wrote is where the page's next commands read it.
      const out = args.indexOf('--out');
      if (args[0] === 'run' && out >= 0) {
        expect(existsSync(join(cwd, args[out + 1]!, 'trace.jsonl'))).toBe(true);
      }
    }
  }, 600_000);
});
