/**
 * The docs show only commands a test runs. Every `llm-teams` line of these pages' code blocks
 * that is not a synopsis (placeholders such as `<dir>`, `URL`, `T`) is run here as written,
 * page by page in the page's order, in a scratch directory holding the repository's
 * `examples/` and `packages/` (the paths the pages name), and ends with the exit code the page
 * gives it (`# exit 1`; else 0). Adaptations of the environment, never of the command: the
 * pages' local server (`nats://127.0.0.1:4222`) is a server this test starts for the page; a sweep of the
 * paper's grid (hours) runs its first run (`--limit 1`, how a resumable sweep is started and
 * stopped); a line already run for an earlier page is not run again. A `watch` or `view
 * --live` line waits, in the background, for the run after it. docs/lab.md and docs/sdk.md
 * are run by tests of their own; the synopses' flags are held to the CLI by doc-flags.test.ts.
 */
import { readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  docSteps,
  runCli,
  spawnCli,
  startNatsFixture,
  tempDir,
  until,
  type CliProcess,
  type DocStep,
  type NatsFixture,
} from '@llm-teams/testkit';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const PAGE_SERVER = 'nats://127.0.0.1:4222';

/** Pages whose commands this test runs. */
const PAGES = [
  'README.md',
  'docs/cli.md',
  'docs/limits.md',
  'docs/observability.md',
  'docs/viewer.md',
  'docs/schedules.md',
  'docs/security.md',
];
/** Pages whose commands a test of their own runs, read from the page. */
const RUN_ELSEWHERE = {
  'docs/lab.md': 'packages/lab/test/cli/lab-doc-commands.int.test.ts',
  'docs/sdk.md': 'test/examples/sdk-walkthrough.test.ts',
};

const steps = (page: string) => docSteps(readFileSync(join(ROOT, page), 'utf8'));

/** The arguments as this test runs them: the test's server, the paper's grid started only. */
function adapted(step: DocStep, serverUrl: string): string[] {
  const args = step.args.map((a) => a.replaceAll(PAGE_SERVER, serverUrl));
  if (args[0] === 'sweep' && /--preset paper|--agents 1-5/.test(step.line)) {
    args.push('--limit', '1');
  }
  return args;
}

/** Commands that wait for the run after them and are left running meanwhile. */
const inBackground = (args: string[]) =>
  args[0] === 'watch' || (args[0] === 'view' && args.includes('--live'));

describe('the docs show only commands a test runs', () => {
  it('every page with commands to run is run here or by a test of its own', () => {
    const docs = readdirSync(join(ROOT, 'docs'), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.md') && !f.startsWith('bugs/'))
      .map((f) => `docs/${f}`);
    const withSteps = ['README.md', ...docs].filter((page) => steps(page).length > 0);
    expect(withSteps.filter((page) => !PAGES.includes(page) && !(page in RUN_ELSEWHERE))).toEqual(
      [],
    );
    for (const page of PAGES) expect(steps(page).length, page).toBeGreaterThan(0);
  });

  // One scratch directory for every page, in order: a line skipped as already run left its
  // output where the page's next lines read it.
  const ran = new Set<string>();
  const scratch = tempDir('llmt-doc-pages-');
  const cwd = scratch.dir;
  beforeAll(() => {
    symlinkSync(join(ROOT, 'examples'), join(cwd, 'examples'));
    symlinkSync(join(ROOT, 'packages'), join(cwd, 'packages'));
  });
  afterAll(() => scratch.cleanup());
  for (const page of PAGES) {
    it(`${page}: each runs as written, in order, and ends as the page says`, async () => {
      const nats: NatsFixture = await startNatsFixture();
      const waiting: { step: DocStep; proc: CliProcess }[] = [];
      try {
        for (const step of steps(page)) {
          if (ran.has(step.line)) continue;
          ran.add(step.line);
          const args = adapted(step, nats.url);
          if (inBackground(args)) {
            const proc = spawnCli(args, { cwd });
            waiting.push({ step, proc });
            await until(
              `${step.line} waits for its team`,
              () => proc.output().stderr.includes(': not on'),
              120_000,
            );
            continue;
          }
          const res = await runCli(args, { cwd });
          expect(res.code, `llm-teams ${step.line}\n${res.stderr}`).toBe(step.exit);
          const reports = args[0] === 'run' && !args.includes('--quiet');
          if (reports && step.exit === 0) {
            expect(res.stdout, step.line).toMatch(/^completed: /);
          }
        }
        for (const { step, proc } of waiting) await endOfBackground(step, proc);
      } finally {
        for (const { proc } of waiting) proc.kill('SIGKILL');
        await nats.close();
      }
    }, 900_000);
  }
});

/** A `watch` ends with its team; a live page serves until it is stopped, once it saw the end. */
async function endOfBackground(step: DocStep, proc: CliProcess): Promise<void> {
  if (step.args[0] === 'watch') {
    const res = await proc.exited;
    expect(res.code, `llm-teams ${step.line}\n${res.stderr}`).toBe(0);
    expect(res.stdout, step.line).toMatch(/ended completed/);
    return;
  }
  // It finds the team's trace stream by looking again, so it may see the run only after the
  // run is over; it says when it has seen the end.
  await until(
    `${step.line} saw its run end`,
    () => /ended completed/.test(proc.output().stdout),
    120_000,
  );
  proc.kill('SIGINT');
  const res = await proc.exited;
  expect(res.code, `llm-teams ${step.line}\n${res.stderr}`).toBe(0);
}
