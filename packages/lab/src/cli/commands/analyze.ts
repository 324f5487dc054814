import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { CHECKERS, analyzeTrace } from '../../analysis/analyze-trace.js';
import { analysisToJson, renderFindingsText } from '../../analysis/explain.js';
import { measureTrace } from '../../metrics/trace-metrics.js';
import type { ScheduleMetrics } from '../../metrics/schedule-metrics.js';
import { readRunStart } from '../../metrics/run-start.js';
import { readTraceFiles } from '../../run/team-trace.js';
import { EXIT, UsageError, type CliCommand, type CliContext } from '../cli-context.js';
import { choiceList, intIn } from '../cli-parsers.js';

interface AnalyzeFlags {
  skip?: string[];
  json?: boolean;
  out?: string;
  max?: number;
}

/** The events of the traces a command names: files, directories, several merged. */
export async function readTraceArgs(traces: readonly string[], cwd: string) {
  const paths = traces.map((t) => resolve(cwd, t));
  for (const p of paths) if (!existsSync(p)) throw new UsageError(`<trace>: no such file ${p}`);
  try {
    return await readTraceFiles(paths);
  } catch (err) {
    if ((err as { code?: unknown }).code === 'INVALID_ARGUMENT')
      throw new UsageError(`<trace>: ${(err as Error).message}`);
    throw err;
  }
}

async function analyzeAction(
  traces: string[],
  flags: AnalyzeFlags,
  ctx: CliContext,
): Promise<void> {
  const { io } = ctx;
  const { events } = await readTraceArgs(traces, io.cwd);
  // The trace's own task list (run.start) gives the checkers the dependencies.
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
        `${c.duplicateClaims} duplicate claims, ${c.refusedCas} refused CAS; ${metrics.testRuns.failed} failed test runs\n` +
        renderSchedule(metrics.schedule),
    );
  }
  ctx.state.exitCode = result.summary.errors > 0 ? EXIT.failed : EXIT.ok;
}

const pct = (x: number) => `${Math.round(x * 100)}%`;

/** The schedule breakdown in two lines (docs/metrics.md, "Schedule"). */
function renderSchedule(s: ScheduleMetrics): string {
  const h = s.shares;
  return (
    `schedule: workers' model time ${pct(h.work)} work, ${pct(h.wastedCopies)} wasted copies ` +
    `(${pct(h.wastedBackups)} backups), ${pct(h.idle)} idle (${pct(h.idleWhileReady)} while a task was ready, ` +
    `${pct(h.clockJumps)} clock jumps); ${s.outOfOrderStarts}/${s.starts} starts out of model-time order; ` +
    `reassignment ${Math.round(s.reassignWallMs.mean)} ms real (max ${Math.round(s.reassignWallMs.max)})\n` +
    `ideal list schedule of these durations: ${(s.listScheduleModelMs / 1000).toFixed(1)} s model time ` +
    `(this run reached ${s.listScheduleEfficiency.toFixed(2)} of it)\n`
  );
}

export const analyzeCommand: CliCommand = {
  name: 'analyze',
  register(program: Command, ctx: CliContext) {
    program
      .command('analyze')
      .description(
        "Run every checker on a trace and print the findings and the run's metrics (exit 1 on checker errors).",
      )
      .argument(
        '<traces...>',
        "trace.jsonl files or run directories; several are one team's trace, merged",
      )
      .option(
        '--skip <checkers>',
        `checkers to leave out: ${CHECKERS.join(', ')}`,
        choiceList(CHECKERS),
      )
      .option('--max <n>', 'show at most this many findings', intIn(0, 1_000_000))
      .option('--json', 'print { analysis, metrics } as JSON')
      .option('--out <dir>', 'also write analysis.json into this directory')
      .action((traces: string[], flags: AnalyzeFlags) => analyzeAction(traces, flags, ctx));
  },
};
