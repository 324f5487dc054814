import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';
import { main, type CliIo } from '@llm-teams/lab';

const BIN = fileURLToPath(new URL('../../bin/llm-teams.js', import.meta.url));

export interface CliProcess {
  stderr: () => string;
  stdout: () => string;
  exited: Promise<number | null>;
  /** Resolves with the first match of `re` in stderr. */
  waitFor(re: RegExp): Promise<RegExpMatchArray>;
  /** Whether the process has ended. */
  ended(): boolean;
}

/** Processes still running when their test ends (it failed or timed out): killed then, so a
 *  failed test leaves no run behind to load the machine for the tests after it. */
const running = new Set<ChildProcess>();
afterEach(() => {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
});

/** The real `llm-teams` bin in a child process working in `dir`, as a user runs it. */
export function llmTeamsIn(dir: string): (args: string[]) => CliProcess {
  return (args) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.add(child);
    let ended = false;
    let out = '';
    let err = '';
    const waiters: { re: RegExp; resolve: (m: RegExpMatchArray) => void }[] = [];
    const check = () => {
      for (const w of [...waiters]) {
        const m = err.match(w.re);
        if (m) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(m);
        }
      }
    };
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => {
      err += b.toString();
      check();
    });
    const exited = new Promise<number | null>((r) =>
      child.once('close', (code) => {
        ended = true;
        running.delete(child);
        r(code);
      }),
    );
    return {
      stderr: () => err,
      stdout: () => out,
      exited,
      ended: () => ended,
      waitFor: (re) =>
        new Promise((resolve, reject) => {
          waiters.push({ re, resolve });
          check();
          void exited.then(() => reject(new Error(`exited before ${String(re)}:\n${err}`)));
        }),
    };
  };
}

/**
 * The CLI in this process with a real command line, working in `dir`: for commands that must
 * act while a run is short (a CLI start takes seconds on a loaded machine).
 */
export function cliIn(
  dir: string,
): (...argv: string[]) => Promise<{ code: number; stdout: string; stderr: string }> {
  return async (...argv) => {
    let stdout = '';
    let stderr = '';
    const io: CliIo = {
      stdout: (t) => void (stdout += t),
      stderr: (t) => void (stderr += t),
      isTTY: false,
      cwd: dir,
      env: {},
    };
    const code = await main(argv, io);
    return { code, stdout, stderr };
  };
}
