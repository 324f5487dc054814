import { Command, Help } from 'commander';
import { afterEach, describe, expect, it } from 'vitest';
import { COMMANDS, type CommandEntry } from '../../src/cli/commands/index.js';
import { createProgram, main } from '../../src/cli/main.js';
import { EXIT, type CliContext, type CliIo } from '../../src/cli/cli-context.js';

function memoryIo(): CliIo & { out: () => string } {
  let out = '';
  return {
    stdout: (t) => void (out += t),
    stderr: (t) => void (out += t),
    isTTY: false,
    cwd: process.cwd(),
    env: {},
    out: () => out,
  };
}

const context = (): CliContext => ({ io: memoryIo(), state: { exitCode: EXIT.ok } });

/** Counts the loads of each command's module while a test runs. */
const loads: string[] = [];
const originalLoad = new Map<CommandEntry, CommandEntry['load']>();
for (const entry of COMMANDS) {
  originalLoad.set(entry, entry.load);
  (entry as { load: CommandEntry['load'] }).load = () => {
    loads.push(entry.name);
    return originalLoad.get(entry)!();
  };
}
afterEach(() => void loads.splice(0));

describe('the command manifest', () => {
  it("lists each command with the help line its module registers, in the modules' order", async () => {
    const program = new Command('llm-teams');
    for (const entry of COMMANDS) (await entry.load()).register(program, context());
    const help = new Help();
    expect(
      program.commands.map((cmd) => ({
        term: help.subcommandTerm(cmd),
        description: cmd.description(),
      })),
    ).toEqual(
      COMMANDS.map((e) => ({ term: `${e.name} ${e.usage}`.trim(), description: e.description })),
    );
    // Loading every command's module is what a command run no longer pays.
  }, 60_000);

  it("the program's help with no command loaded is the help with every command loaded", async () => {
    const lazy = await createProgram(context(), []);
    const eager = await createProgram(context());
    expect(lazy.helpInformation()).toEqual(eager.helpInformation());
  }, 60_000);

  it('--help loads no command module; a command loads only its own', async () => {
    const io = memoryIo();
    expect(await main(['--help'], io)).toBe(EXIT.ok);
    expect(io.out()).toMatch(/analyze \[options\] <traces\.\.\.>/);
    expect(loads).toEqual([]);
    const analyze = memoryIo();
    expect(await main(['analyze', '--help'], analyze)).toBe(EXIT.ok);
    expect(analyze.out()).toMatch(/--skip <checkers>/);
    expect(await main(['help', 'view'], memoryIo())).toBe(EXIT.ok);
    expect(loads).toEqual(['analyze', 'view']);
  });

  it('an unknown command is named with its nearest match, loading nothing', async () => {
    const io = memoryIo();
    expect(await main(['rnu'], io)).toBe(EXIT.usage);
    expect(io.out()).toMatch(/unknown command 'rnu'\n\(Did you mean run\?\)/);
    expect(loads).toEqual([]);
  });
});
