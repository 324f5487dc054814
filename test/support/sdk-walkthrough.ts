/**
 * docs/sdk.md's walkthrough, read from the page: the files it shows (a fenced block whose
 * first line is `// file: <path>` or `# file: <path>`) and the `npx llm-teams` commands, in
 * order; and its steps run with expectations, by whatever runs the command line (the CLI of
 * the checkout, or the one installed from the packed packages).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { expect } from 'vitest';
import { parseTrace } from '@llm-teams/runtime';

export interface WalkthroughFile {
  path: string;
  content: string;
}

export interface Walkthrough {
  files: WalkthroughFile[];
  /** Each command's arguments after `npx llm-teams`. */
  commands: string[][];
}

/** The walkthrough of docs/sdk.md (everything before "## A team, in brief"). */
export function readWalkthrough(root: string): Walkthrough {
  const page = readFileSync(join(root, 'docs/sdk.md'), 'utf8');
  const text = page.slice(0, page.indexOf('\n## A team, in brief'));
  const blocks = [...text.matchAll(/```(\w+)\n([\s\S]*?)```/g)].map((m) => ({
    lang: m[1]!,
    text: m[2]!,
  }));
  const files = blocks
    .map((b) => /^(?:\/\/|#) file: (\S+)\n/.exec(b.text))
    .filter((m) => m !== null)
    .map((m) => ({ path: m[1]!, content: m.input.slice(m[0].length) }));
  const commands = blocks
    .filter((b) => b.lang === 'sh')
    .flatMap((b) => b.text.split('\n'))
    .filter((line) => line.startsWith('npx llm-teams '))
    .map((line) => line.slice('npx llm-teams '.length).split(/\s+/));
  return { files, commands };
}

/** A running `llm-teams` command: its exit, and what it printed on stderr so far. */
export interface WalkthroughProcess {
  exited: Promise<{ code: number | null; stdout: string; stderr: string }>;
  stderr(): string;
}

export type WalkthroughCli = (args: string[]) => WalkthroughProcess;

/** The walkthrough's steps in `cwd`, each checking what the page says it does. */
export function walkthroughSteps(cwd: string, walkthrough: Walkthrough, cli: WalkthroughCli) {
  const { files, commands } = walkthrough;
  const read = (path: string) => parseTrace(readFileSync(join(cwd, path), 'utf8'));
  const analyzeAndView = async (analyzeArgs: string[], viewArgs: string[], html: string) => {
    const [analyze, view] = await Promise.all([cli(analyzeArgs).exited, cli(viewArgs).exited]);
    expect(analyze.code, analyze.stdout).toBe(0);
    expect(analyze.stdout).toMatch(/no anomalies/);
    expect(view.code, view.stderr).toBe(0);
    expect(existsSync(join(cwd, html))).toBe(true);
  };
  return {
    /** Writes the page's files. */
    writeFiles() {
      expect(files.map((f) => f.path)).toEqual([
        'my-team/team.ts',
        'my-team/script.yaml',
        'my-team/faults.yaml',
      ]);
      expect(commands.map((c) => c[0])).toEqual([
        'run',
        'analyze',
        'view',
        'run',
        'run',
        'node',
        'analyze',
        'view',
      ]);
      for (const f of files) {
        mkdirSync(dirname(join(cwd, f.path)), { recursive: true });
        writeFileSync(join(cwd, f.path), f.content);
      }
    },
    /** Runs the team, analyzes and draws its trace. */
    async runOnce() {
      const run = await cli(commands[0]!).exited;
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toMatch(/^completed: .*ended by editor/);
      const sent = read('runs/haiku/trace.jsonl')
        .filter((e) => e.kind === 'send')
        .map((e) => (e as { type: string }).type);
      expect(sent.filter((t) => t === 'draft')).toHaveLength(2);
      expect(sent.filter((t) => t === 'draft.revise')).toHaveLength(1);
      await analyzeAndView(commands[1]!, commands[2]!, 'runs/haiku/trace.html');
    },
    /** Runs it under the fault file: the editor crashes and restarts. */
    async runWithFaults() {
      const run = await cli(commands[3]!).exited;
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toMatch(/^completed: .*ended by editor/);
      const faults = read('runs/haiku-faults/trace.jsonl')
        .filter((e) => e.kind === 'fault')
        .map((e) => e['fault']);
      expect(faults).toEqual(expect.arrayContaining(['crash', 'crash.heal']));
    },
    /** Runs it across two processes (the node command as the run prints it), then analyzes
     *  and draws the merged trace. */
    async runAcrossTwoProcesses() {
      const run = cli(commands[4]!);
      let line: string | undefined;
      for (let i = 0; i < 1200 && line === undefined; i++) {
        line = /run elsewhere: llm-teams (node .*)/.exec(run.stderr())?.[1];
        if (line === undefined) await new Promise((r) => setTimeout(r, 100));
      }
      expect(line, run.stderr()).toBeDefined();
      const port = /nats:\/\/127\.0\.0\.1:(\d+)/.exec(line!)![1]!;
      const node = commands[5]!.map((a) => a.replace('<port>', port));
      expect(line).toBe(
        node.filter((a, i, all) => a !== '--out' && all[i - 1] !== '--out').join(' '),
      );
      const hosted = await cli(node).exited;
      const done = await run.exited;
      expect(done.code, done.stderr).toBe(0);
      expect(done.stdout).toMatch(/^completed: .*ended by editor/);
      expect(hosted.code, hosted.stderr).toBe(0);
      const remote = read('runs/haiku-2p/trace.node-editor.jsonl');
      expect(new Set(remote.map((e) => e.actor))).toEqual(new Set(['editor']));
      expect(remote.some((e) => e.kind === 'recv' && e.type === 'draft')).toBe(true);
      const merged = read('runs/haiku-2p/trace.jsonl');
      expect(new Set(merged.map((e) => e.node))).toEqual(new Set(['director', 'node-editor']));
      await analyzeAndView(commands[6]!, commands[7]!, 'runs/haiku-2p/trace.html');
    },
  };
}
