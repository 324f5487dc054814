/**
 * The paper-grid benchmark (`npm run bench:grid`): the paper preset (3 suites x p 0.9/0.5/0.2 x
 * n 1..5 x centralized/decentralized) with 3 reps on simulated models, timed, then the issue's
 * targets: grid time, speedup / work-span bound at n = 5, token multiplier at n = 5.
 *
 *   npm run bench:grid -- [--reps 3] [--jobs N] [--time-scale 0.001] [--suites math,data,svg]
 *                         [--model sim:claude-sonnet-4-6] [--out DIR]
 *
 * A benchmark, not a test: it prints figures and never fails on them.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  PAPER_PRESET,
  listSuites,
  longestPathToEnd,
  readRunStart,
  paperFigures,
  readResults,
  runSweep,
  type CellSummary,
  type SweepGrid,
} from '@llm-teams/lab';
import type { TraceEvent } from '@llm-teams/runtime';

const { values: args } = parseArgs({
  options: {
    reps: { type: 'string', default: '3' },
    jobs: { type: 'string', default: String(availableParallelism()) },
    'time-scale': { type: 'string', default: String(PAPER_PRESET.timeScale) },
    suites: { type: 'string' },
    model: { type: 'string', default: PAPER_PRESET.models[0] },
    out: { type: 'string' },
  },
});

const GRID_TARGET_MS = 10 * 60_000;
const TARGETS = { centralized: 0.9, decentralized: 0.8 } as const;
const TOKEN_TARGET = 1.15;

const installed = new Set((await listSuites()).map((s) => s.id));
const requested = args.suites?.split(',') ?? [...PAPER_PRESET.suites];
const suites = requested.filter((s) => installed.has(s));
const missing = requested.filter((s) => !installed.has(s));
const grid: SweepGrid = {
  ...PAPER_PRESET,
  suites,
  agents: [...PAPER_PRESET.agents],
  p: [...PAPER_PRESET.p],
  arch: [...PAPER_PRESET.arch],
  models: [args.model],
  reps: Number(args.reps),
  timeScale: Number(args['time-scale']),
};
const outDir = resolve(args.out ?? `runs/bench-paper-grid-${Date.now().toString(36)}`);
const jobs = Number(args.jobs);
console.log(
  `paper grid: suites ${suites.join(', ')}${missing.length > 0 ? ` (not installed: ${missing.join(', ')})` : ''}; ` +
    `p ${grid.p.join('/')}; n 1..5; ${grid.arch.join(' + ')}; ${grid.models[0]}; ${grid.reps} reps; ` +
    `time scale ${grid.timeScale}; ${jobs} jobs; ${availableParallelism()} cores\nout: ${outDir}`,
);

const started = Date.now();
const outcome = await runSweep({
  grid,
  outDir,
  jobs,
  onProgress: (p) => {
    if (p.last && (p.done % 10 === 0 || p.done === p.total)) {
      const eta = p.etaMs === undefined ? '?' : `${Math.round(p.etaMs / 1000)} s`;
      console.log(`  ${p.done}/${p.total} runs, ${Math.round(p.elapsedMs / 1000)} s, ETA ${eta}`);
    }
  },
});
const gridMs = Date.now() - started;

const records = readResults(join(outDir, 'results.jsonl')).records;
const cells = outcome.summary.cells;
const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN);
const f2 = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : '–');
const at = (arch: string, p: number, n: number): CellSummary[] =>
  cells.filter((c) => c.arch === arch && c.p === p && c.n === n);
const paper = paperFigures();
const paperModel = grid.models[0]!.slice(grid.models[0]!.indexOf(':') + 1);

console.log(
  `\ngrid: ${outcome.total} runs (${outcome.summary.completedRuns} completed, ${outcome.failed} threw); ${outcome.ran} ran in this session in ${(gridMs / 1000).toFixed(0)} s` +
    ` — target < ${GRID_TARGET_MS / 60_000} min: ${gridMs < GRID_TARGET_MS ? 'met' : 'NOT met'}`,
);
const wall = (filter: (r: (typeof records)[number]) => boolean) =>
  mean(records.filter(filter).map((r) => r.result.wallMs / 1000));
for (const n of [1, 5]) {
  console.log(
    `  mean run wall time at n = ${n}: centralized ${f2(wall((r) => r.result.agents === n && r.spec.arch === 'centralized'))} s, ` +
      `decentralized ${f2(wall((r) => r.result.agents === n && r.spec.arch === 'decentralized'))} s`,
  );
}
// Where real time goes: test runs are child processes (node --test), the rest is model sleep and the runtime.
let testRuns = 0;
let testMs = 0;
let traced = 0;
for (const r of records) {
  if (!r.files.trace) continue;
  traced++;
  for (const line of readFileSync(join(outDir, r.files.trace), 'utf8').split('\n')) {
    if (!line.includes('"run_tests"')) continue;
    const e = JSON.parse(line) as { testMs?: number };
    testRuns++;
    testMs += e.testMs ?? 0;
  }
}
const sleepS = mean(records.map((r) => (r.result.makespanModelMs * r.spec.timeScale) / 1000));
console.log(
  `  per run: ${f2(testRuns / traced)} test runs taking ${f2(testMs / traced / 1000)} s of child-process time; ` +
    `simulated model latency on the critical path ${f2(sleepS)} s (makespan x time scale)`,
);

console.log('\nspeedup at n = 5 (mean over suites) vs the work-span bound min(n, T1/T∞):');
for (const arch of ['centralized', 'decentralized'] as const) {
  for (const p of [0.9, 0.5]) {
    const cs = at(arch, p, 5);
    const s = mean(cs.map((c) => c.speedup.mean));
    const b = mean(cs.map((c) => c.workSpanBound.mean));
    const ratio = s / b;
    const fig = paper.find(
      (x) => x.arch === arch && x.p === p && x.n === 5 && x.model === paperModel,
    );
    console.log(
      `  ${arch.padEnd(13)} p=${p}: ${f2(s)} of ${f2(b)} = ${f2(ratio)} (target >= ${TARGETS[arch]}: ${ratio >= TARGETS[arch] ? 'met' : 'NOT met'})` +
        `; Amdahl ${f2(mean(cs.map((c) => c.amdahlBound)))}` +
        (fig
          ? `; paper ${f2(fig.speedup)} of ${f2(fig.workSpanBound)} = ${f2(fig.speedup / fig.workSpanBound)}`
          : ''),
    );
  }
}
// What an ideal online scheduler would reach on the same draws: the n = 1 run's task durations
// (fixed per task and turn by the seed), list-scheduled on 5 agents critical-path-first by task
// count, ties by id — exact model time, no overheads, but no knowledge of durations either.
console.log(
  '\nideal online list schedule on the n = 1 task durations, n = 5 (speedup / work-span bound):',
);
for (const arch of ['centralized', 'decentralized'] as const) {
  for (const p of [0.9, 0.5]) {
    const ratios = records
      .filter(
        (r) => r.spec.arch === arch && r.spec.p === p && r.result.agents === 1 && r.files.trace,
      )
      .flatMap((r) => {
        const tasks = parseTraceStart(join(outDir, r.files.trace!));
        if (!tasks) return [];
        const t1 = r.result.makespanModelMs;
        const bound = Math.min(5, t1 / r.metrics.criticalPathModelMs);
        return [t1 / listScheduleMs(tasks, r.metrics.taskModelMs, 5) / bound];
      });
    console.log(
      `  ${arch.padEnd(13)} p=${p}: ${f2(mean(ratios))} (min ${f2(Math.min(...ratios))}, max ${f2(Math.max(...ratios))})`,
    );
  }
}

console.log(`\ntoken multiplier at n = 5 vs n = 1 (target <= ${TOKEN_TARGET}):`);
for (const arch of ['centralized', 'decentralized'] as const) {
  for (const p of [0.9, 0.5, 0.2]) {
    const m = mean(at(arch, p, 5).map((c) => c.tokenMultiplier.mean));
    const fig = paper.find(
      (x) => x.arch === arch && x.p === p && x.n === 5 && x.model === paperModel,
    );
    console.log(
      `  ${arch.padEnd(13)} p=${p}: ${f2(m)} (${m <= TOKEN_TARGET ? 'met' : 'NOT met'})${fig ? `; paper ${f2(fig.tokenMultiplier)}` : ''}`,
    );
  }
}
console.log('\nfits (Amdahl p, USL sigma / kappa) per curve:');
for (const c of outcome.summary.curves) {
  console.log(
    `  ${c.suite.padEnd(5)} p=${c.p} ${c.arch.padEnd(13)} DAG p ${f2(c.dagP)}; Amdahl p ${f2(c.amdahl?.p ?? Number.NaN)}; ` +
      `USL ${c.usl ? `${c.usl.sigma.toFixed(3)} / ${c.usl.kappa.toFixed(4)}` : '–'}; messages +${f2(c.messageGrowthPerAgent ?? Number.NaN)} per agent`,
  );
}
console.log(`\nreport: ${outcome.files.report}`);

/** The task graph of a run, from its trace's `run.start` mark. */
function parseTraceStart(file: string): { id: string; deps: string[] }[] | undefined {
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.includes('"run.start"')) continue;
    return readRunStart([JSON.parse(line) as TraceEvent])?.tasks;
  }
  return undefined;
}

/** Makespan of a non-preemptive list schedule on n agents, ready tasks by unit-weight level. */
function listScheduleMs(
  tasks: { id: string; deps: string[] }[],
  durations: Record<string, number>,
  n: number,
): number {
  const level = longestPathToEnd(tasks);
  const done = new Set<string>();
  const waiting = new Set(tasks.map((t) => t.id));
  const running: { id: string; end: number }[] = [];
  let now = 0;
  while (waiting.size > 0 || running.length > 0) {
    const ready = tasks
      .filter((t) => waiting.has(t.id) && t.deps.every((d) => done.has(d)))
      .sort((a, b) => level.get(b.id)! - level.get(a.id)! || (a.id < b.id ? -1 : 1));
    for (const t of ready.slice(0, n - running.length)) {
      waiting.delete(t.id);
      running.push({ id: t.id, end: now + (durations[t.id] ?? 0) });
    }
    running.sort((a, b) => a.end - b.end);
    const next = running.shift()!;
    now = next.end;
    done.add(next.id);
  }
  return now;
}
