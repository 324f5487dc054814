import { describe, expect, it } from 'vitest';
import { main, type CliIo } from '@llm-teams/lab';

/** Runs the CLI in-process; usage errors are caught before any server starts. */
async function cli(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    isTTY: false,
    cwd: process.cwd(),
    env: {},
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

describe('llm-teams usage errors exit 2 and name the flag', () => {
  const cases: [string[], RegExp][] = [
    [['run', '--agents', '0'], /--agents <n>.*'0' is invalid.*integer from 1 to 64/],
    [['run', '--agents', 'abc'], /--agents <n>.*'abc' is invalid/],
    [
      ['run', '--arch', 'mesh'],
      /--arch <arch>.*'mesh' is invalid.*centralized, decentralized, single/,
    ],
    [['run', '--p', '1.5'], /--p <fraction>.*from 0 to 1/],
    [['run', '--time-scale', '0'], /--time-scale <x>.*greater than 0/],
    [['run', '--seed', 'a b'], /--seed <seed>.*letters, digits/],
    [['run', '--nats', 'http://x'], /--nats <url>.*not a NATS URL/],
    [['run', '--suite', 'nope'], /--suite: unknown suite "nope". Available: .*math/],
    [
      ['run', '--suite', 'tiny', '--p', '0.9'],
      /--p: suite tiny has no structure with p = 0.9. Allowed values: 0.5/,
    ],
    [['run', '--model', 'sim:nope'], /--model sim:nope: .*claude-sonnet-4-6/],
    [['run', '--model', 'anthropic:claude-x'], /--model anthropic:claude-x: .*ANTHROPIC_API_KEY/],
    [['run', '--bogus'], /unknown option '--bogus'/],
    [['sweep', '--agents', '1-99'], /--agents <list>.*integer from 1 to 64/],
    [
      ['sweep', '--arch', 'centralized,mesh'],
      /--arch <list>.*Not allowed: mesh. Allowed values: centralized, decentralized, single/,
    ],
    [['sweep', '--preset', 'huge'], /--preset <name>.*'huge' is invalid.*paper/],
    [['sweep', '--suites', 'math,nope'], /--suites: unknown suite "nope"/],
    [['sweep', '--p', '0.3', '--suites', 'math'], /--p: suite math has no structure with p = 0.3/],
    [['analyze'], /missing required argument 'trace'/],
    [['analyze', 'no-such-trace.jsonl'], /<trace>: no such file/],
    [['view', 'x.jsonl', '--axis', 'sideways'], /--axis <axis>.*lamport, wall/],
    [['frobnicate'], /unknown command 'frobnicate'/],
  ];
  for (const [argv, message] of cases) {
    it(argv.join(' '), async () => {
      const out = await cli(...argv);
      expect(out.stderr).toMatch(message);
      expect(out.code).toBe(2);
    });
  }

  it('--help exits 0 and lists the commands', async () => {
    const out = await cli('--help');
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/run \[options\][\s\S]*sweep[\s\S]*analyze[\s\S]*view/);
  });
});
