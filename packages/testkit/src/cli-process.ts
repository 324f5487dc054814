/** The `llm-teams` command line in a child process, as a user runs it. */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** How a command line ended. */
export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A child process running the `llm-teams` command line. */
export interface CliProcess {
  readonly pid: number | undefined;
  /** Resolves with the exit code (null when killed by a signal) and everything it printed,
   *  once its output is closed too. */
  readonly exited: Promise<CliResult>;
  /** What it printed so far. */
  output(): { stdout: string; stderr: string };
  kill(signal?: NodeJS.Signals): void;
}

export interface SpawnCliOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Runs the command inside something, e.g. `['ip', 'netns', 'exec', ns]`. */
  wrap?: string[];
}

let bin: string | undefined;

/**
 * The `llm-teams` bin of the installed `@llm-teams/lab`: its package directory is found as Node
 * finds a package (`node_modules/@llm-teams/lab` here or in a parent), not by resolving its
 * entry point, whose file depends on the export condition (sources in a checkout, dist/ when
 * installed).
 */
export function cliBin(): string {
  if (bin !== undefined) return bin;
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const manifest = join(dir, 'node_modules', '@llm-teams', 'lab', 'package.json');
    if (existsSync(manifest)) {
      const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { bin?: Record<string, string> };
      const entry = pkg.bin?.['llm-teams'];
      if (entry === undefined) throw new Error(`${manifest} declares no llm-teams bin`);
      return (bin = join(dirname(manifest), entry));
    }
    if (dirname(dir) === dir) {
      throw new Error('@llm-teams/lab is not installed: spawnCli runs its llm-teams bin');
    }
  }
}

/** Runs `llm-teams <args>` in a child process (the installed lab's bin, under this Node). */
export function spawnCli(args: string[], options: SpawnCliOptions = {}): CliProcess {
  const [cmd, ...cmdArgs] = [...(options.wrap ?? []), process.execPath, cliBin(), ...args];
  const child = spawn(cmd!, cmdArgs, {
    cwd: options.cwd ?? process.cwd(),
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const exited = new Promise<CliResult>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
  return {
    pid: child.pid,
    exited,
    output: () => ({ stdout, stderr }),
    kill: (signal) => child.kill(signal ?? 'SIGTERM'),
  };
}

/**
 * A command line as one types it: ``argv`run --seed ${seed} --out ${join(dir, 'run')}` `` is
 * `['run', '--seed', '1', '--out', <the path>]`. The written text splits at white space (line
 * breaks included); a `${value}` is one argument however many spaces it holds, joined to the
 * written text it touches (`replay:${cassette}` is one argument).
 */
export function argv(strings: TemplateStringsArray, ...values: unknown[]): string[] {
  const args: string[] = [];
  // Whether the next piece continues the last argument (nothing white between them).
  let glued = false;
  const add = (piece: string) => {
    if (glued) args[args.length - 1] += piece;
    else if (piece !== '') args.push(piece);
  };
  strings.forEach((text, i) => {
    const words = text.split(/\s+/);
    words.forEach((word, j) => {
      if (j > 0) glued = false;
      add(word);
      if (word !== '') glued = true;
    });
    if (i < values.length) {
      if (glued) args[args.length - 1] += String(values[i]);
      else args.push(String(values[i]));
      glued = true;
    }
  });
  return args;
}

/** Runs `llm-teams <args>` to its end: its exit code and output. */
export function runCli(args: string[], options: SpawnCliOptions = {}): Promise<CliResult> {
  return spawnCli(args, options).exited;
}
