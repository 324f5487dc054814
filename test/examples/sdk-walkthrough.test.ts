import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { readWalkthrough, walkthroughSteps } from '../support/sdk-walkthrough.js';

/**
 * docs/sdk.md's walkthrough, run from the page itself: every file it shows is written and
 * every command it shows is run, in order, in a fresh directory (inside the checkout, where
 * `@llm-teams/agents` resolves). A change to the page is a change to this test. The same
 * steps run with the packed, installed packages in test/packaging.
 */
const ROOT = new URL('../..', import.meta.url).pathname;
mkdirSync(join(ROOT, 'runs'), { recursive: true });
const cwd = mkdtempSync(join(ROOT, 'runs', 'sdk-walkthrough-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

const BIN = join(ROOT, 'packages/lab/bin/llm-teams.js');

/** `llm-teams <args>` in the walkthrough's directory, as a user runs it; its stderr is readable
 *  while it runs (the two-process step reads the node command the run prints). */
function cli(args: string[]) {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const exited = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.once('exit', (code) => resolve({ code, stdout, stderr })),
  );
  return { exited, stderr: () => stderr };
}

const steps = walkthroughSteps(cwd, readWalkthrough(ROOT), cli);

describe('docs/sdk.md walkthrough', () => {
  it('shows the files and commands this test runs', () => steps.writeFiles());
  it('runs the team: the editor sends the haiku back once, then approves it', () =>
    steps.runOnce());
  it('under its fault file: the crashed editor restarts and the run ends the same way', () =>
    steps.runWithFaults());
  it('across two processes: the run prints the node command, the node hosts the editor; the merged trace is clean', () =>
    steps.runAcrossTwoProcesses());
});
