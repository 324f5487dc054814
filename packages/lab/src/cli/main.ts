import { Command, CommanderError } from 'commander';
import { COMMANDS } from './commands/index.js';
import { startTelemetry } from '../observability/index.js';
import { EXIT, UsageError, processIo, type CliContext, type CliIo } from './cli-context.js';

/** The `llm-teams` program with every command of `commands/index.ts` registered. */
export function createProgram(ctx: CliContext): Command {
  const program = new Command('llm-teams')
    .description('Run, measure and inspect teams of LLM agents on NATS.')
    .configureOutput({ writeOut: (s) => ctx.io.stdout(s), writeErr: (s) => ctx.io.stderr(s) })
    .showHelpAfterError('(add --help for usage)')
    .exitOverride();
  for (const command of COMMANDS) command.register(program, ctx);
  return program;
}

/**
 * Runs the command line and returns the exit code: 0 ok, 1 the work did not succeed, 2 a
 * usage error (a bad flag or argument, named in the message), 130 interrupted.
 */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const ctx: CliContext = { io, state: { exitCode: EXIT.ok } };
  const program = createProgram(ctx);
  try {
    // Spans of every host the command runs, when the OTEL_* variables ask for them.
    const telemetry = startTelemetry(io.env);
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
    if (err instanceof UsageError) {
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
