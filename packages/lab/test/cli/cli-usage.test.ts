import { describe, expect, it } from 'vitest';
import { cliIn } from '../faults/cli-process.js';

/** The CLI in-process (usage errors are caught before any server starts). */
const cli = cliIn(process.cwd());
const LOST_UPDATE = new URL('../schedules/fixtures/lost-update-team', import.meta.url).pathname;
const SCHEDULE_OF_SUITE = new URL('./fixtures/tiny-schedule.json', import.meta.url).pathname;

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
    [['sweep', '--models', 'none;a1=sim:nope'], /--models sim:nope: .*claude-sonnet-4-6/],
    [['sweep', '--models', 'lead=sim:gpt-5.2'], /--models <mixes>.*lead is not a member/],
    [['sweep', '--workload', 'fixed,huge'], /--workload <list>.*Not allowed: huge/],
    [['run', '--workload', 'huge'], /--workload <kind>.*'huge' is invalid.*fixed, scaled/],
    [['analyze'], /missing required argument 'traces'/],
    [['analyze', 'no-such-trace.jsonl'], /<trace>: no such file/],
    [['view', 'x.jsonl', '--axis', 'sideways'], /--axis <axis>.*lamport, wall/],
    [['frobnicate'], /unknown command 'frobnicate'/],
    [
      ['explore', '--team', LOST_UPDATE, '--suite', 'tiny'],
      /--suite does not apply with --team \(the team says who works and how\)/,
    ],
    [
      ['explore', '--team', LOST_UPDATE, '--model', 'openai-compatible:m@http://127.0.0.1:9/v1'],
      /--team: member c1 uses model openai-compatible:m@.*: controlled schedules need replies that take no time .*script:<file>, replay:<cassette>/,
    ],
    [
      ['replay', SCHEDULE_OF_SUITE, '--team', LOST_UPDATE],
      /--team: the schedule is of the built-in team on suite tiny, not of a team directory/,
    ],
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
