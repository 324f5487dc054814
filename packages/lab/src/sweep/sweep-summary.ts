import { linearRegression } from 'simple-statistics';
import { CONFLICT_KINDS, type ConflictCounts } from '../metrics/conflict-metrics.js';
import { amdahlBound, workSpanBound } from '../metrics/scaling-bounds.js';
import {
  fitAmdahl,
  fitGustafson,
  fitPowerLaw,
  fitUsl,
  type AmdahlFit,
  type GustafsonFit,
  type PowerLawFit,
  type UslFit,
} from '../metrics/scaling-fits.js';
import { meanCi, meanOf, type MeanCi } from '../metrics/summary-statistics.js';
import type { ScheduleMetrics } from '../metrics/schedule-metrics.js';
import type { BaselineKind, CellSummary, Workload } from './sweep-cell.js';
import type { RunRecord } from '../run/run-record.js';
import { mixLabel } from '../run/run-spec.js';
import { systemClock, type Clock } from '@llm-teams/runtime';
import {
  compareWithBaselines,
  paperFindings,
  type Comparison,
  type Finding,
} from './sweep-comparison.js';

export type { BaselineKind, CellSummary, Workload } from './sweep-cell.js';

/** One scaling curve: a (suite, p, arch, model, mix, workload) over n. */
export interface CurveSummary {
  suite: string;
  p: number;
  arch: string;
  model: string;
  mix?: string;
  workload: Workload;
  dagP: number;
  points: { n: number; speedup: number }[];
  amdahl?: AmdahlFit;
  usl?: UslFit;
  /** Scaled workloads: Gustafson's law fitted to the scaled speedups. */
  gustafson?: GustafsonFit;
  /** Messages per run against n as `a n^b` (b = 2: quadratic growth). */
  messagePowerLaw?: PowerLawFit;
  /** Least-squares slope of messages per run against n: extra messages per added agent. */
  messageGrowthPerAgent?: number;
  messageGrowthByType: Record<string, number>;
}

export interface SweepSummary {
  v: 1;
  generatedAt: string;
  runs: number;
  completedRuns: number;
  /** Runs that did not complete, by status. */
  incomplete: Record<string, number>;
  cells: CellSummary[];
  curves: CurveSummary[];
  /** Ours against the rounds baselines on the same draws (sweep-comparison.ts): per suite, p,
   *  model, mix and n, the speedup over the baseline and the token ratio, beside the paper's. */
  comparisons: Comparison[];
  /** The paper's findings checked on the baselines, with how far ours move them. */
  findings: Finding[];
  /** Per architecture (and workload), messages per run against n over all its curves, as
   *  `a n^b`: the mean over curves at each n, fitted. */
  messageGrowth: {
    arch: string;
    workload: Workload;
    fit: PowerLawFit;
    points: { n: number; messages: number }[];
  }[];
}

interface Baseline {
  kind: BaselineKind;
  makespanModelMs: number;
  spanModelMs: number;
  tokens: number;
}

const completed = (r: RunRecord) => r.result.status === 'completed';
const workloadOf = (r: RunRecord): Workload => r.spec.workload ?? 'fixed';
const curveId = (r: RunRecord) =>
  `${r.spec.suite}\u0000${r.spec.p}\u0000${r.spec.arch}\u0000${r.spec.model}\u0000${mixLabel(r.spec.models) ?? ''}\u0000${workloadOf(r)}`;
/** The model work of a run's tasks: what one agent would take for the same workload. */
const workOf = (r: RunRecord) => Object.values(r.metrics.taskModelMs).reduce((a, b) => a + b, 0);

function baselineFinder(records: readonly RunRecord[]) {
  const ones = records.filter((r) => completed(r) && r.result.agents === 1);
  const exact = new Map<string, RunRecord>();
  for (const r of ones) exact.set(`${curveId(r)}\u0000${r.spec.seed}`, r);
  return (r: RunRecord): Baseline | undefined => {
    const { suite, p, model, seed } = r.spec;
    const same = exact.get(`${curveId(r)}\u0000${seed}`);
    const tail = `${mixLabel(r.spec.models) ?? ''}\u0000${workloadOf(r)}`;
    const single = exact.get(
      `${suite}\u0000${p}\u0000single\u0000${model}\u0000${tail}\u0000${seed}`,
    );
    const pick = same ?? single;
    if (pick) {
      return {
        kind: same ? 'same-arch' : 'single',
        makespanModelMs: pick.result.makespanModelMs,
        spanModelMs: pick.metrics.criticalPathModelMs,
        tokens: pick.metrics.tokens.total,
      };
    }
    const pool = ones.filter(
      (o) =>
        o.spec.suite === suite &&
        o.spec.p === p &&
        o.spec.model === model &&
        mixLabel(o.spec.models) === mixLabel(r.spec.models) &&
        workloadOf(o) === workloadOf(r),
    );
    if (pool.length === 0) return undefined;
    return {
      kind: 'pooled',
      makespanModelMs: meanOf(pool.map((o) => o.result.makespanModelMs)),
      spanModelMs: meanOf(pool.map((o) => o.metrics.criticalPathModelMs)),
      tokens: meanOf(pool.map((o) => o.metrics.tokens.total)),
    };
  };
}

function summarizeCell(
  cell: readonly RunRecord[],
  find: ReturnType<typeof baselineFinder>,
): CellSummary {
  const first = cell[0]!;
  const done = cell.filter(completed);
  const n = first.result.agents;
  const dagP = first.metrics.dag.p;
  const speedups: number[] = [];
  const bounds: number[] = [];
  const multipliers: number[] = [];
  const perToken: number[] = [];
  const baselines: CellSummary['baselines'] = {};
  const scaled = workloadOf(first) === 'scaled';
  for (const r of done) {
    const b = find(r);
    if (!b) continue;
    baselines[b.kind] = (baselines[b.kind] ?? 0) + 1;
    const t = r.result.makespanModelMs;
    // A scaled workload has no n = 1 run of its size: its serial time is its own work (at
    // n = 1 work and makespan agree), and its tokens compare with n baselines' worth.
    const s = t > 0 ? (scaled ? workOf(r) : b.makespanModelMs) / t : Number.NaN;
    const m = b.tokens > 0 ? r.metrics.tokens.total / (b.tokens * (scaled ? n : 1)) : Number.NaN;
    speedups.push(s);
    bounds.push(
      scaled
        ? workSpanBound(n, workOf(r), r.metrics.criticalPathModelMs)
        : workSpanBound(n, b.makespanModelMs, b.spanModelMs),
    );
    multipliers.push(m);
    perToken.push(s / m);
  }
  const speedup = meanCi(speedups);
  const bound = meanCi(bounds);
  const amdahl = amdahlBound(dagP, n);
  const typeNames = new Set(done.flatMap((r) => Object.keys(r.metrics.messages.byType)));
  const conflicts = Object.fromEntries(
    CONFLICT_KINDS.map((k) => [k, meanCi(done.map((r) => r.metrics.conflicts[k]))]),
  ) as Record<keyof ConflictCounts, MeanCi>;
  return {
    suite: first.spec.suite,
    p: first.spec.p,
    arch: first.spec.arch,
    model: first.spec.model,
    ...(mixLabel(first.spec.models) !== undefined ? { mix: mixLabel(first.spec.models)! } : {}),
    workload: workloadOf(first),
    n,
    runs: cell.length,
    completed: done.length,
    dagP,
    makespanModelMs: meanCi(done.map((r) => r.result.makespanModelMs)),
    speedup,
    amdahlBound: amdahl,
    workSpanBound: bound,
    efficiencyAmdahl: speedup.mean / amdahl,
    efficiencyWorkSpan: speedup.mean / bound.mean,
    tokens: {
      input: meanCi(done.map((r) => r.metrics.tokens.input)),
      output: meanCi(done.map((r) => r.metrics.tokens.output)),
      total: meanCi(done.map((r) => r.metrics.tokens.total)),
    },
    tokenMultiplier: meanCi(multipliers),
    speedupPerTokenMultiplier: meanOf(perToken),
    messages: {
      total: meanCi(done.map((r) => r.metrics.messages.total)),
      byType: Object.fromEntries(
        [...typeNames]
          .sort()
          .map((t) => [t, meanOf(done.map((r) => r.metrics.messages.byType[t] ?? 0))]),
      ),
    },
    idleFraction: meanCi(done.map((r) => r.metrics.idleFraction)),
    stragglerGapModelMs: meanCi(done.map((r) => r.metrics.stragglerGapModelMs)),
    stragglerGapFraction: meanCi(done.map((r) => r.metrics.stragglerGapFraction)),
    schedule: scheduleOf(done),
    conflicts,
    failedTestRuns: meanCi(done.map((r) => r.metrics.testRuns.failed)),
    baselines,
  };
}

/** Per-rep schedule figures; records from before the schedule was measured count as NaN. */
function scheduleOf(done: readonly RunRecord[]): CellSummary['schedule'] {
  const of = (f: (s: ScheduleMetrics) => number) =>
    meanCi(
      done.map((r) => {
        const s = (r.metrics as { schedule?: ScheduleMetrics }).schedule;
        return s ? f(s) : Number.NaN;
      }),
    );
  return {
    listScheduleEfficiency: of((s) => s.listScheduleEfficiency),
    idleWhileReady: of((s) => s.shares.idleWhileReady),
    wastedCopies: of((s) => s.shares.wastedCopies),
    outOfOrderStarts: of((s) => (s.starts > 0 ? s.outOfOrderStarts / s.starts : 0)),
  };
}

const slope = (xy: [number, number][]): number | undefined =>
  new Set(xy.map(([x]) => x)).size >= 2 ? linearRegression(xy).m : undefined;

function summarizeCurve(cells: readonly CellSummary[]): CurveSummary {
  const first = cells[0]!;
  const sorted = [...cells].sort((a, b) => a.n - b.n);
  const points = sorted
    .filter((c) => Number.isFinite(c.speedup.mean))
    .map((c) => ({ n: c.n, speedup: c.speedup.mean }));
  const amdahl = fitAmdahl(points);
  const usl = fitUsl(points);
  const gustafson = first.workload === 'scaled' ? fitGustafson(points) : undefined;
  const withRuns = sorted.filter((c) => c.completed > 0);
  const growth = slope(withRuns.map((c) => [c.n, c.messages.total.mean]));
  const power = fitPowerLaw(withRuns.map((c) => ({ n: c.n, y: c.messages.total.mean })));
  const types = new Set(withRuns.flatMap((c) => Object.keys(c.messages.byType)));
  const byType: Record<string, number> = {};
  for (const t of [...types].sort()) {
    const m = slope(withRuns.map((c) => [c.n, c.messages.byType[t] ?? 0]));
    if (m !== undefined) byType[t] = m;
  }
  return {
    suite: first.suite,
    p: first.p,
    arch: first.arch,
    model: first.model,
    ...(first.mix !== undefined ? { mix: first.mix } : {}),
    workload: first.workload,
    dagP: first.dagP,
    points,
    ...(amdahl ? { amdahl } : {}),
    ...(usl ? { usl } : {}),
    ...(gustafson ? { gustafson } : {}),
    ...(power ? { messagePowerLaw: power } : {}),
    ...(growth !== undefined ? { messageGrowthPerAgent: growth } : {}),
    messageGrowthByType: byType,
  };
}

function groupBy<T>(items: readonly T[], key: (t: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const g = groups.get(k);
    if (g) g.push(item);
    else groups.set(k, [item]);
  }
  return [...groups.values()];
}

/**
 * Aggregates a sweep's records per cell (suite, p, arch, model, n): means and 95% CIs across
 * reps of makespan, speedup, bounds, tokens, messages, idle time, straggler gap, conflicts and
 * failed tests; and per curve (over n) the Amdahl and USL fits and the message growth.
 * A later record of a key replaces an earlier one. `generatedAt` is read on `clock` (default:
 * the system clock).
 */
export function summarizeSweep(
  records: readonly RunRecord[],
  clock: Clock = systemClock,
): SweepSummary {
  const latest = [...new Map(records.map((r) => [r.key, r])).values()];
  const find = baselineFinder(latest);
  const cells = groupBy(latest, (r) => `${curveId(r)}\u0000${r.result.agents}`)
    .map((cell) => summarizeCell(cell, find))
    .sort(
      (a, b) =>
        a.suite.localeCompare(b.suite) ||
        b.p - a.p ||
        a.arch.localeCompare(b.arch) ||
        a.model.localeCompare(b.model) ||
        a.n - b.n,
    );
  const curves = groupBy(
    cells,
    (c) =>
      `${c.suite}\u0000${c.p}\u0000${c.arch}\u0000${c.model}\u0000${c.mix ?? ''}\u0000${c.workload}`,
  ).map(summarizeCurve);
  const incomplete: Record<string, number> = {};
  for (const r of latest)
    if (!completed(r)) incomplete[r.result.status] = (incomplete[r.result.status] ?? 0) + 1;
  return {
    v: 1,
    generatedAt: new Date(clock.now()).toISOString(),
    runs: latest.length,
    completedRuns: latest.filter(completed).length,
    incomplete,
    cells,
    curves,
    comparisons: compareWithBaselines(latest, cells),
    findings: paperFindings(cells),
    messageGrowth: messageGrowth(cells),
  };
}

/** Per architecture and workload: mean messages per run over its cells at each n, fitted. */
function messageGrowth(cells: readonly CellSummary[]): SweepSummary['messageGrowth'] {
  return groupBy(
    cells.filter((c) => c.completed > 0),
    (c) => `${c.arch}\u0000${c.workload}`,
  ).flatMap((group) => {
    const points = groupBy(group, (c) => String(c.n))
      .map((at) => ({ n: at[0]!.n, messages: meanOf(at.map((c) => c.messages.total.mean)) }))
      .sort((a, b) => a.n - b.n);
    const fit = fitPowerLaw(points.map((pt) => ({ n: pt.n, y: pt.messages })));
    return fit ? [{ arch: group[0]!.arch, workload: group[0]!.workload, fit, points }] : [];
  });
}
