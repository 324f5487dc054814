import { resolve } from 'node:path';
import type { Command } from 'commander';
import { checkMistakes, generateMistakeCatalogs } from '../../suites/suite-mistakes.js';
import { listSuites, loadSuite } from '../../suites/suite-loader.js';
import { resolveSuiteDir } from '../../suites/suite-source.js';
import { EXIT, type CliCommand, type CliContext } from '../cli-context.js';

interface MistakesFlags {
  suite: string;
  suiteDir?: string;
  check?: boolean;
}

/** Loads every structure of a suite (with its catalogs) and runs the tests on each mistake. */
async function checkAction(flags: MistakesFlags, ctx: CliContext): Promise<void> {
  const searchDirs = flags.suiteDir ? [resolve(ctx.io.cwd, flags.suiteDir)] : undefined;
  const dir = await resolveSuiteDir(flags.suite, searchDirs ? { searchDirs } : {});
  const summary = (await listSuites({ searchDirs: [resolve(dir, '..')] })).find(
    (s) => s.dir === dir,
  );
  const suites = [];
  for (const s of summary?.structures ?? []) suites.push(await loadSuite({ suite: dir, p: s.p }));
  const checks = await checkMistakes(suites);
  const passing = checks.filter((c) => !c.fails);
  for (const c of passing) {
    ctx.io.stdout(`passes its tests: ${c.suite} p=${c.p} ${c.taskId} ${c.kind}: ${c.note}\n`);
  }
  const tasks = new Set(checks.map((c) => `${c.p}/${c.taskId}`)).size;
  ctx.io.stdout(
    `${checks.length} mistakes of ${tasks} tasks checked; ${passing.length} pass their tests\n`,
  );
  ctx.state.exitCode = passing.length > 0 ? EXIT.failed : EXIT.ok;
}

async function mistakesAction(flags: MistakesFlags, ctx: CliContext): Promise<void> {
  if (flags.check) return checkAction(flags, ctx);
  const searchDirs = flags.suiteDir ? [resolve(ctx.io.cwd, flags.suiteDir)] : undefined;
  const suite = /^[a-z0-9_-]+$/.test(flags.suite) ? flags.suite : resolve(ctx.io.cwd, flags.suite);
  const written = await generateMistakeCatalogs({
    suite,
    ...(searchDirs ? { searchDirs } : {}),
    onCatalog: (p) => {
      const kinds = p.entries.map((e) => e.kind).join(', ') || 'none found';
      ctx.io.stdout(`${p.at}/mistakes.json: ${kinds}\n`);
    },
  });
  const total = written.reduce((n, p) => n + p.entries.length, 0);
  ctx.io.stdout(`wrote ${written.length} catalogs, ${total} mistakes\n`);
}

export const mistakesCommand: CliCommand = {
  name: 'mistakes',
  register(program: Command, ctx: CliContext) {
    program
      .command('mistakes')
      .description(
        "Write each task's mistake catalog (plausible wrong versions that fail its tests, for simulated models), or check them.",
      )
      .requiredOption('--suite <id>', 'a suite id or directory')
      .option('--suite-dir <dir>', 'also look for suites in this directory')
      .option('--check', 'run the tests on every catalogued mistake; exit 1 if one passes')
      .action((flags: MistakesFlags) => mistakesAction(flags, ctx));
  },
};
