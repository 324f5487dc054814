import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { parseTrace } from '@llm-teams/runtime';
import {
  CHECKERS,
  analysisToJson,
  analyzeTrace,
  renderFindingsText,
} from '../../analysis/index.js';
import { measureTrace, readRunStart } from '../../metrics/index.js';
import { EXIT, UsageError, type CliCommand, type CliContext } from '../cli-context.js';
import { choiceList, intIn } from '../cli-parsers.js';

interface AnalyzeFlags {
  skip?: string[];
  json?: boolean;
  out?: string;
  max?: number;
}

async function analyzeAction(trace: string, flags: AnalyzeFlags, ctx: CliContext): Promise<void> {
  const { io } = ctx;
  const file = resolve(io.cwd, trace);
  if (!existsSync(file)) throw new UsageError(`<trace>: no such file ${file}`);
  // The trace's own task list (run.start) gives the checkers the dependencies.
  const events = parseTrace(await readFile(file, 'utf8'));
  const start = readRunStart(events);
  const result = analyzeTrace(events, {
    ...(start ? { deps: Object.fromEntries(start.tasks.map((t) => [t.id, t.deps])) } : {}),
    ...(flags.skip ? { skip: flags.skip } : {}),
  });
  const metrics = measureTrace(events, { analysis: result });
  const json = { analysis: analysisToJson(result), metrics };
  if (flags.out !== undefined) {
    const dir = resolve(io.cwd, flags.out);
    await mkdir(dir, { recursive: true });
    await writeFile(resolve(dir, 'analysis.json'), JSON.stringify(json, null, 2) + '\n');
  }
  if (flags.json) io.stdout(JSON.stringify(json, null, 2) + '\n');
  else {
    io.stdout(renderFindingsText(result, flags.max !== undefined ? { max: flags.max } : {}));
    const c = metrics.conflicts;
    io.stdout(
      `\nmakespan ${(metrics.makespanModelMs / 1000).toFixed(1)} s model time; ${metrics.tasks.done}/${metrics.tasks.declared} tasks; ` +
        `tokens ${metrics.tokens.input} in / ${metrics.tokens.output} out; ${metrics.messages.total} messages\n` +
        `conflicts: ${c.concurrentWrites} concurrent writes, ${c.rewrites} rewrites, ${c.temporalViolations} temporal, ` +
        `${c.duplicateClaims} duplicate claims, ${c.refusedCas} refused CAS; ${metrics.testRuns.failed} failed test runs\n`,
    );
  }
  ctx.state.exitCode = result.summary.errors > 0 ? EXIT.failed : EXIT.ok;
}

export const analyzeCommand: CliCommand = {
  name: 'analyze',
  register(program: Command, ctx: CliContext) {
    program
      .command('analyze')
      .description(
        "Run every checker on a trace and print the findings and the run's metrics (exit 1 on checker errors).",
      )
      .argument('<trace>', 'a trace.jsonl')
      .option(
        '--skip <checkers>',
        `checkers to leave out: ${CHECKERS.join(', ')}`,
        choiceList(CHECKERS),
      )
      .option('--max <n>', 'show at most this many findings', intIn(0, 1_000_000))
      .option('--json', 'print { analysis, metrics } as JSON')
      .option('--out <dir>', 'also write analysis.json into this directory')
      .action((trace: string, flags: AnalyzeFlags) => analyzeAction(trace, flags, ctx));
  },
};
