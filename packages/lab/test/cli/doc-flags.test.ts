/**
 * Every `llm-teams` command the docs and the README show (in a code block or inline code,
 * synopses with placeholders included) names a command the CLI has, and only flags that
 * command takes. A renamed or removed flag fails here, naming the page and the line. The
 * concrete lines themselves are run from their pages (doc-pages-commands.int.test.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { beforeAll, describe, expect, it } from 'vitest';
import { docCommands } from '@llm-teams/testkit';
import { COMMANDS } from '../../src/cli/commands/index.js';
import { EXIT, type CliContext } from '../../src/cli/cli-context.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** The flags a command line names: `--x`, `--x=v`, `[--x v]` alike. */
function flagsOf(tokens: readonly string[]): string[] {
  return tokens
    .map((t) => t.replace(/^\[+/, '').replace(/\]+$/, ''))
    .filter((t) => /^--[a-z]/.test(t))
    .map((t) => t.split('=')[0]!);
}

function optionNames(cmd: Command): Set<string> {
  const names = new Set(['--help']);
  for (const o of cmd.options) {
    if (o.long) names.add(o.long);
  }
  return names;
}

/** The page's `llm-teams` commands (not its `npm run` lines). */
const llmTeams = (markdown: string) =>
  docCommands(markdown).filter((c) => c.startsWith('llm-teams '));

const pages = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

describe('the llm-teams commands the docs show', () => {
  const program = new Command('llm-teams');
  beforeAll(async () => {
    const context: CliContext = {
      io: {
        stdout: () => undefined,
        stderr: () => undefined,
        isTTY: false,
        cwd: ROOT,
        env: {},
      },
      state: { exitCode: EXIT.ok },
    };
    for (const entry of COMMANDS) (await entry.load()).register(program, context);
  }, 60_000);

  it('are found on the pages (the extraction works)', () => {
    const all = pages.flatMap((p) => llmTeams(readFileSync(join(ROOT, p), 'utf8')));
    expect(all.length).toBeGreaterThan(50);
    expect(docCommands('run `llm-teams view --live --team T` now')).toEqual([
      'llm-teams view --live --team T',
    ]);
    expect(docCommands('```sh\nnpx llm-teams run --seed 1   # a comment\n```')).toEqual([
      'llm-teams run --seed 1',
    ]);
    expect(docCommands('```text\nllm-teams node --team x\n```')).toEqual([]);
  });

  it.each(pages)('%s: each names a command and only flags that command takes', (page) => {
    const problems: string[] = [];
    for (const line of llmTeams(readFileSync(join(ROOT, page), 'utf8'))) {
      const tokens = line.split(/\s+/).slice(1);
      const cmd = program.commands.find((c) => c.name() === tokens[0]);
      if (!cmd) {
        problems.push(`${line}: no command ${tokens[0]}`);
        continue;
      }
      // A subcommand (`auth init`, `chaos add`) takes its own flags; named or not, any of
      // the command's own or its subcommands' flags are the command's.
      const sub = cmd.commands.find((c) => c.name() === tokens[1]);
      const known = new Set([
        ...optionNames(cmd),
        ...(sub ? [sub] : cmd.commands).flatMap((c) => [...optionNames(c)]),
      ]);
      for (const flag of flagsOf(tokens.slice(1))) {
        if (!known.has(flag)) problems.push(`${line}: ${tokens[0]} takes no ${flag}`);
      }
    }
    expect(problems).toEqual([]);
  });
});
