import type { Command } from 'commander';

/** Where a command writes, and what it knows of its terminal. Tests pass their own. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** stderr is a terminal: progress bars instead of one line per step. */
  isTTY: boolean;
  /** stdout is a terminal: screens redrawn in place (`watch`). Default false. */
  stdoutIsTTY?: boolean;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/** What a command's action reports back to `main`. */
export interface CliState {
  /** Exit code; commands set it, 0 unless they do. */
  exitCode: number;
}

export interface CliContext {
  io: CliIo;
  state: CliState;
}

/**
 * One `llm-teams` subcommand. Each lives in its own module under `commands/` and is listed in
 * `commands/index.ts`, so commands are added without touching each other's code.
 */
export interface CliCommand {
  name: string;
  register(program: Command, ctx: CliContext): void;
}

/** A flag or argument the user got wrong: printed as `error: <message>`, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const EXIT = {
  ok: 0,
  /** The work ran and did not succeed (a run not completed, checker errors, a failed sweep run). */
  failed: 1,
  usage: 2,
  /** Stopped by SIGINT / SIGTERM. */
  interrupted: 130,
} as const;

export function processIo(): CliIo {
  return {
    stdout: (t) => void process.stdout.write(t),
    stderr: (t) => void process.stderr.write(t),
    isTTY: process.stderr.isTTY === true,
    stdoutIsTTY: process.stdout.isTTY === true,
    cwd: process.cwd(),
    env: process.env,
  };
}
