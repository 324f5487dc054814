/**
 * docs/cli.md shows only commands a test runs: every command line of its code blocks that is
 * not a synopsis (placeholders such as `<dir>`, `[--json]`, `URL`) is run here, in the page's
 * order, in a scratch directory holding the repository's `examples/`, and exits 0. Two
 * adaptations, both of the environment and not of the command: the page's local server
 * (`nats://127.0.0.1:4222`) is a server this test starts, and a sweep of more than a few runs
 * (the paper's grid is hours) runs its first with `--limit 1`, which is how a resumable sweep
 * is started and stopped. A `watch` line waits, in the background, for the run after it. The
 * synopses' flags are held to the CLI by doc-flags.test.ts.
 */
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  docCommands,
  isSynopsis,
  runCli,
  spawnCli,
  startNatsFixture,
  until,
  type CliProcess,
  type NatsFixture,
} from '@llm-teams/testkit';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const PAGE_SERVER = 'nats://127.0.0.1:4222';
/** Sweeps whose grid is more than this many runs are started with `--limit 1`. */
const LONG_SWEEPS = [/--preset paper/, /--agents 1-5/];

const commands = docCommands(readFileSync(join(ROOT, 'docs', 'cli.md'), 'utf8'), {
  inline: false,
})
  .filter((c) => c.startsWith('llm-teams ') && !isSynopsis(c))
  .map((c) => c.replace(/^llm-teams /, ''));

describe("docs/cli.md's commands", () => {
  let nats: NatsFixture;
  const cwd = mkdtempSync(join(tmpdir(), 'llmt-cli-doc-'));
  beforeAll(async () => {
    symlinkSync(join(ROOT, 'examples'), join(cwd, 'examples'));
    nats = await startNatsFixture();
  });
  afterAll(async () => {
    await nats.close();
    rmSync(cwd, { recursive: true, force: true });
  });

  it('are found: runs, sweeps, a team of ones own, a watched run', () => {
    expect(commands.map((c) => c.split(' ')[0])).toEqual(
      expect.arrayContaining(['run', 'sweep', 'watch']),
    );
    expect(commands.some((c) => c.startsWith('run --team examples/'))).toBe(true);
  });

  it('each runs as written, in order, and exits 0', async () => {
    const watching: { line: string; proc: CliProcess }[] = [];
    for (const line of commands) {
      const args = line.replaceAll(PAGE_SERVER, nats.url).split(/\s+/);
      if (args[0] === 'sweep' && LONG_SWEEPS.some((r) => r.test(line))) args.push('--limit', '1');
      if (args[0] === 'watch') {
        const proc = spawnCli(args, { cwd });
        watching.push({ line, proc });
        await until(`${line} waits for its team`, () => proc.output().stderr.includes(': not on'));
        continue;
      }
      const res = await runCli(args, { cwd });
      expect(res.code, `llm-teams ${line}\n${res.stderr}`).toBe(0);
      if (args[0] === 'run' && !args.includes('--quiet'))
        expect(res.stdout, line).toMatch(/^completed: /);
    }
    for (const { line, proc } of watching) {
      const res = await proc.exited;
      expect(res.code, `llm-teams ${line}\n${res.stderr}`).toBe(0);
      expect(res.stdout, line).toMatch(/ended completed/);
    }
  }, 900_000);
});
