/**
 * The paper-grid benchmark (`npm run bench:grid`): the paper preset (3 suites x p 0.9/0.5/0.2 x
 * n 1..5 x centralized/decentralized) with 3 reps on simulated models, timed, then the issue's
 * targets: grid time, speedup / work-span bound at n = 5, token multiplier at n = 5.
 *
 *   npm run bench:grid -- [--reps 3] [--jobs N] [--time-scale 0.001] [--suites math,data,svg]
 *                         [--model sim:claude-sonnet-4-6] [--out DIR] [--arch LIST] [--baselines]
 *                         [--p 0.9,0.5,0.2] [--agents 1,2,3,4,5] [--no-model-time-order]
 *
 * `--baselines` adds the paper's harness (`rounds`, `rounds-claim`) to the grid and prints the
 * n = 5 table of ours, the baseline on the same draws, and the paper. The machine's load average
 * is printed at the start and the end: a grid time is only a figure on a quiet machine.
 *
 * A benchmark, not a test: it prints figures and never fails on them.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  PAPER_PRESET,
  listScheduleMs,
  listSuites,
  readRunStart,
  paperFigures,
  readResults,
  runSweep,
  taskSpans,
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
    arch: { type: 'string' },
    baselines: { type: 'boolean', default: false },
    p: { type: 'string' },
    agents: { type: 'string' },
    // Centralized runs give out work in model-time order by default (simulated models);
    // this turns it off, for a comparison.
    'no-model-time-order': { type: 'boolean', default: false },
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
  agents: args.agents?.split(',').map(Number) ?? [...PAPER_PRESET.agents],
  p: args.p?.split(',').map(Number) ?? [...PAPER_PRESET.p],
  ...(args['no-model-time-order'] ? { modelTimeOrder: false } : {}),
  arch: [
    ...((args.arch?.split(',') ?? [...PAPER_PRESET.arch]) as SweepGrid['arch']),
    ...(args.baselines ? (['rounds', 'rounds-claim'] as const) : []),
  ],
  models: [args.model],
  reps: Number(args.reps),
  timeScale: Number(args['time-scale']),
};
const outDir = resolve(args.out ?? `runs/bench-paper-grid-${Date.now().toString(36)}`);
const jobs = Number(args.jobs);
console.log(
  `paper grid: suites ${suites.join(', ')}${missing.length > 0 ? ` (not installed: ${missing.join(', ')})` : ''}; ` +
    `p ${grid.p.join('/')}; n ${grid.agents.join(',')}; ${grid.arch.join(' + ')}; ${grid.models[0]}; ${grid.reps} reps; ` +
    `time scale ${grid.timeScale}; ${jobs} jobs; ${availableParallelism()} cores` +
    `${grid.modelTimeOrder === false ? '; no model-time order' : ''}\nout: ${outDir}`,
);

const load = () =>
  loadavg()
    .map((x) => x.toFixed(1))
    .join(' / ');
console.log(`load average (1 / 5 / 15 min) at the start: ${load()}`);
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
console.log(`load average at the end: ${load()}`);

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

// Where the team's model time goes at n = 5: each worker's time from 0 to the makespan is its own
// work, wasted copies (backup attempts that did not finish the task), waiting for dependencies,
// gaps its assignments put before it (a start later than both its previous end and the task's
// readiness), and the idle tail after its last attempt.
console.log('\nwhere worker time goes at n = 5 (share of n x makespan, mean over runs):');
for (const arch of ['centralized', 'decentralized'] as const) {
  for (const p of [0.9, 0.5]) {
    const parts = records
      .filter(
        (r) =>
          r.spec.arch === arch &&
          r.spec.p === p &&
          r.result.agents === 5 &&
          r.result.status === 'completed' &&
          r.files.trace,
      )
      .map((r) => decompose(readTrace(join(outDir, r.files.trace!)), r.result.makespanModelMs));
    const share = (k: keyof Decomposition) => f2(mean(parts.map((x) => x[k])));
    console.log(
      `  ${arch.padEnd(13)} p=${p}: work ${share('work')}, wasted copies ${share('wasted')}, ` +
        `dependency waits ${share('depWait')}, assignment gaps ${share('stampGap')}, tail ${share('tail')}`,
    );
  }
}

console.log(`\ntoken multiplier at n = 5 vs n = 1 (target <= ${TOKEN_TARGET}):`);
for (const arch of ['centralized', 'decentralized'] as const) {
  for (const p of grid.p) {
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
if (args.baselines) printBaselineTable();
console.log(`\nreport: ${outcome.files.report}`);

/** n = 5: ours, the paper's harness on the same draws, and the paper, per p and architecture. */
function printBaselineTable(): void {
  console.log(
    '\nn = 5, mean over suites: speedup S (token multiplier) of ours | the rounds baseline | the paper; ours over the baseline seed by seed:',
  );
  const pairs = outcome.summary.comparisons.filter((c) => c.n === 5);
  for (const arch of ['centralized', 'decentralized'] as const) {
    const baseline = arch === 'centralized' ? 'rounds' : 'rounds-claim';
    for (const p of grid.p) {
      const cell = (a: string) => {
        const cs = at(a, p, 5);
        return `${f2(mean(cs.map((c) => c.speedup.mean)))} (${f2(mean(cs.map((c) => c.tokenMultiplier.mean)))})`;
      };
      const fig = paper.find(
        (x) => x.arch === arch && x.p === p && x.n === 5 && x.model === paperModel,
      );
      const pp = pairs.filter((c) => c.arch === arch && c.p === p);
      console.log(
        `  ${arch.padEnd(13)} p=${p}: ours ${cell(arch)} | ${baseline} ${cell(baseline)} | paper ${fig ? `${f2(fig.speedup)} (${f2(fig.tokenMultiplier)})` : '–'}` +
          ` | speedup over baseline ${f2(mean(pp.map((c) => c.speedupOverBaseline.mean)))}, token ratio ${f2(mean(pp.map((c) => c.tokenRatio.mean)))}`,
      );
    }
  }
  for (const f of outcome.summary.findings)
    console.log(
      `  ${f.claim} ${f.reproduced === undefined ? '' : f.reproduced ? 'Reproduced' : 'Not reproduced'}: ${f.baseline}. Ours: ${f.ours}.`,
    );
}

function readTrace(file: string): TraceEvent[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as TraceEvent);
}

interface Decomposition {
  work: number;
  wasted: number;
  depWait: number;
  stampGap: number;
  tail: number;
}

/** Shares of n x makespan (see the printout above). */
function decompose(events: TraceEvent[], makespan: number): Decomposition {
  const deps = new Map((readRunStart(events)?.tasks ?? []).map((t) => [t.id, t.deps]));
  const spans = taskSpans(events);
  const doneAt = new Map<string, number>();
  for (const s of spans) {
    if (s.outcome === 'done')
      doneAt.set(s.taskId, Math.min(doneAt.get(s.taskId) ?? Infinity, s.endModelMs));
  }
  // Every worker, including one that never got a task (all its time is tail).
  const byActor = new Map<string, typeof spans>(
    Array.from({ length: 5 }, (_, i) => [`a${i + 1}`, []]),
  );
  for (const s of spans) byActor.set(s.actor, [...(byActor.get(s.actor) ?? []), s]);
  const out: Decomposition = { work: 0, wasted: 0, depWait: 0, stampGap: 0, tail: 0 };
  for (const list of byActor.values()) {
    let prevEnd = 0;
    for (const s of list.sort((a, b) => a.startModelMs - b.startModelMs)) {
      const ready = Math.max(0, ...(deps.get(s.taskId) ?? []).map((d) => doneAt.get(d) ?? 0));
      out.depWait += Math.max(0, Math.min(s.startModelMs, ready) - prevEnd);
      out.stampGap += Math.max(0, s.startModelMs - Math.max(prevEnd, ready));
      const d = s.endModelMs - s.startModelMs;
      if (s.outcome === 'done') out.work += d;
      else out.wasted += d;
      prevEnd = Math.max(prevEnd, s.endModelMs);
    }
    out.tail += Math.max(0, makespan - prevEnd);
  }
  const total = 5 * makespan;
  return {
    work: out.work / total,
    wasted: out.wasted / total,
    depWait: out.depWait / total,
    stampGap: out.stampGap / total,
    tail: out.tail / total,
  };
}

/** The task graph of a run, from its trace's `run.start` mark. */
function parseTraceStart(file: string): { id: string; deps: string[] }[] | undefined {
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.includes('"run.start"')) continue;
    return readRunStart([JSON.parse(line) as TraceEvent])?.tasks;
  }
  return undefined;
}
