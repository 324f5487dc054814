import { Command, CommanderError, Help } from 'commander';
import { COMMANDS, type CommandEntry } from './commands/index.js';
import { telemetrySettings } from '../observability/telemetry-settings.js';
import { EXIT, UsageError, processIo, type CliContext, type CliIo } from './cli-context.js';

// For the command's entry, which owns the process (bin/llm-teams.js).
export { preferYoungGarbage } from '../schedules/schedule-gc.js';

/** The runtime's TraceFormatError, known by its code: importing the runtime for an
 *  `instanceof` would cost `--help` more than half its start-up. */
function isTraceFormatError(err: unknown): err is Error {
  return err instanceof Error && (err as { code?: unknown }).code === 'INVALID_TRACE';
}

/** The command `argv` runs, or asks the help of (`help <command>`); undefined for neither. */
function commandOf(argv: readonly string[]): CommandEntry | undefined {
  const name = argv[0] === 'help' ? argv[1] : argv[0];
  return COMMANDS.find((c) => c.name === name);
}

/**
 * The `llm-teams` program: every command of `commands/index.ts` listed, and only `loaded`
 * (default all) registered from its module. The others are placeholders with their help line,
 * enough for the program's help and for naming an unknown command's nearest match.
 */
export async function createProgram(
  ctx: CliContext,
  loaded: readonly string[] = COMMANDS.map((c) => c.name),
): Promise<Command> {
  const placeholders = new Map<Command, string>();
  const program = new Command('llm-teams')
    .description('Run, measure and inspect teams of LLM agents on NATS.')
    .configureOutput({ writeOut: (s) => ctx.io.stdout(s), writeErr: (s) => ctx.io.stderr(s) })
    .configureHelp({
      subcommandTerm: (cmd) => placeholders.get(cmd) ?? new Help().subcommandTerm(cmd),
    })
    .showHelpAfterError('(add --help for usage)')
    .exitOverride();
  for (const entry of COMMANDS) {
    if (loaded.includes(entry.name)) {
      (await entry.load()).register(program, ctx);
      continue;
    }
    const placeholder = program.command(entry.name).description(entry.description);
    placeholders.set(placeholder, `${entry.name} ${entry.usage}`.trim());
  }
  return program;
}

/**
 * Runs the command line and returns the exit code: 0 ok, 1 the work did not succeed, 2 a
 * usage error (a bad flag or argument, or a trace that breaks the contract, named in the
 * message), 130 interrupted.
 */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const ctx: CliContext = { io, state: { exitCode: EXIT.ok } };
  try {
    // Only the module of the command that runs is loaded: `--help` and each command start
    // without the others' cost.
    const command = commandOf(argv);
    const program = await createProgram(ctx, command ? [command.name] : []);
    // Spans of every host the command runs, when the OTEL_* variables ask for them (the SDK
    // is loaded only then).
    const telemetry = telemetrySettings(io.env)
      ? (await import('../observability/open-telemetry.js')).startTelemetry(io.env)
      : undefined;
    try {
      await program.parseAsync([...argv], { from: 'user' });
    } finally {
      await telemetry?.shutdown();
    }
    return ctx.state.exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander has printed its message already.
      return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    // A trace that breaks the contract is bad input, like a bad flag: the message names the
    // file, the line and the field.
    if (err instanceof UsageError || isTraceFormatError(err)) {
      io.stderr(`error: ${err.message}\n`);
      return EXIT.usage;
    }
    // An error with a code is one the code base names (a broker, runtime, agents or lab error,
    // or a system error like ENOENT): its message says what is wrong. Anything else is a bug,
    // and its stack is what a report needs.
    const named = err instanceof Error && typeof (err as { code?: unknown }).code === 'string';
    io.stderr(
      `error: ${named ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    return EXIT.failed;
  }
}
