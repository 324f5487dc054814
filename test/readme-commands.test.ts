/**
 * The README's two commands for a fresh machine: each installs what it needs first, the test
 * command installs what `.ci/run` installs, and the demo line's npm script runs as written.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const readme = readFileSync(join(root, 'README.md'), 'utf8');

/** The shell blocks of the README's "On a fresh machine" section. */
function freshMachineCommands(): string[] {
  const start = readme.indexOf('## On a fresh machine');
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end);
  return [...section.matchAll(/```sh\n([^`]*?)\n```/g)].map((m) => m[1]!.trim());
}

/** Runs a command line in the checkout: its exit code and everything it printed. */
function sh(command: string, args: string[]): Promise<{ code: number | null; text: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.on('data', (b: Buffer) => (text += b.toString()));
    child.stderr.on('data', (b: Buffer) => (text += b.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, text }));
  });
}

describe("the README's commands for a fresh machine", () => {
  const [demo, tests] = freshMachineCommands();

  it('are two one-line commands: the demo, then the tests', () => {
    expect(freshMachineCommands()).toHaveLength(2);
    for (const line of [demo!, tests!]) expect(line).not.toContain('\n');
  });

  it('each installs what it needs first, and .ci/run runs exactly the test line', async () => {
    expect(demo).toBe('sh scripts/system-deps.sh demo && npm ci && npm run demo');
    expect(tests).toBe('sh scripts/system-deps.sh test && npm ci && npm test');
    const ci = readFileSync(join(root, '.ci/run'), 'utf8').trim().split('\n');
    expect(ci[ci.length - 1]).toBe(tests);
    // Here everything is installed (this suite needs it): the script says so and changes nothing.
    for (const what of ['demo', 'test']) {
      const r = await sh('sh', ['scripts/system-deps.sh', what]);
      expect(r.code, r.text).toBe(0);
      expect(r.text).toMatch(/already installed/);
    }
    expect(await sh('sh', ['scripts/system-deps.sh', 'everything'])).toMatchObject({
      code: 2,
      text: expect.stringMatching(/usage: sh scripts\/system-deps.sh demo\|test/) as unknown,
    });
  });

  it('the demo runs as written: a team completes on an embedded nats-server and its files are written', async () => {
    const script = (
      JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
        scripts: Record<string, string>;
      }
    ).scripts['demo'];
    expect(script).toMatch(/^llm-teams run /);
    const out = await sh('npm', ['run', 'demo']);
    const wrote = /wrote (\S+)\/trace\.jsonl/.exec(out.text)?.[1];
    try {
      expect(out.code, out.text).toBe(0);
      expect(out.text).toMatch(/on an embedded nats-server/);
      expect(out.text).toMatch(/completed: .*; (\d+)\/\1 tasks/);
      expect(out.text).toMatch(/checkers: 0 errors/);
      expect(wrote).toBeDefined();
      for (const file of ['trace.jsonl', 'result.json', 'report.html']) {
        expect(existsSync(join(wrote!, file)), file).toBe(true);
      }
    } finally {
      // The demo writes under the checkout's runs/ (ignored by git): leave nothing behind.
      if (wrote !== undefined && dirname(wrote) === join(root, 'runs')) {
        rmSync(wrote, { recursive: true, force: true });
      }
    }
  }, 180_000);
});
