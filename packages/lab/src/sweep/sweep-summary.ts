import { linearRegression } from 'simple-statistics';
import {
  CONFLICT_KINDS,
  amdahlBound,
  fitAmdahl,
  fitUsl,
  meanCi,
  meanOf,
  workSpanBound,
  type AmdahlFit,
  type ConflictCounts,
  type MeanCi,
  type UslFit,
} from '../metrics/index.js';
import type { RunRecord } from '../run/index.js';

/** Where a run's T1 came from (docs/metrics.md, Speedup). */
export type BaselineKind =
  /** The n = 1 run of the same suite, p, architecture, model and seed. */
  | 'same-arch'
  /** The `single` run of the same suite, p, model and seed. */
  | 'single'
  /** The mean of every completed n = 1 run of the same suite, p and model (no seed match). */
  | 'pooled';

/** One grid cell: a (suite, p, arch, model, n) across its reps. */
export interface CellSummary {
  suite: string;
  p: number;
  arch: string;
  model: string;
  n: number;
  runs: number;
  completed: number;
  /** Parallel fraction of the task graph (unit weights). */
  dagP: number;
  makespanModelMs: MeanCi;
  /** Per rep T1 / T(n), T1 from the rep's baseline. */
  speedup: MeanCi;
  amdahlBound: number;
  /** Per rep min(n, T1 / T_inf). */
  workSpanBound: MeanCi;
  /** Mean speedup / bound. */
  efficiencyAmdahl: number;
  efficiencyWorkSpan: number;
  tokens: { input: MeanCi; output: MeanCi; total: MeanCi };
  /** Per rep tokens(n) / tokens(baseline). */
  tokenMultiplier: MeanCi;
  /** Mean over reps of speedup / token multiplier. */
  speedupPerTokenMultiplier: number;
  messages: { total: MeanCi; byType: Record<string, number> };
  idleFraction: MeanCi;
  stragglerGapModelMs: MeanCi;
  stragglerGapFraction: MeanCi;
  conflicts: Record<keyof ConflictCounts, MeanCi>;
  failedTestRuns: MeanCi;
  baselines: Partial<Record<BaselineKind, number>>;
}

/** One scaling curve: a (suite, p, arch, model) over n. */
export interface CurveSummary {
  suite: string;
  p: number;
  arch: string;
  model: string;
  dagP: number;
  points: { n: number; speedup: number }[];
  amdahl?: AmdahlFit;
  usl?: UslFit;
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
}

interface Baseline {
  kind: BaselineKind;
  makespanModelMs: number;
  spanModelMs: number;
  tokens: number;
}

const completed = (r: RunRecord) => r.result.status === 'completed';
const curveId = (r: RunRecord) =>
  `${r.spec.suite}\u0000${r.spec.p}\u0000${r.spec.arch}\u0000${r.spec.model}`;

function baselineFinder(records: readonly RunRecord[]) {
  const ones = records.filter((r) => completed(r) && r.result.agents === 1);
  const exact = new Map<string, RunRecord>();
  for (const r of ones) exact.set(`${curveId(r)}\u0000${r.spec.seed}`, r);
  return (r: RunRecord): Baseline | undefined => {
    const { suite, p, model, seed } = r.spec;
    const same = exact.get(`${curveId(r)}\u0000${seed}`);
    const single = exact.get(`${suite}\u0000${p}\u0000single\u0000${model}\u0000${seed}`);
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
      (o) => o.spec.suite === suite && o.spec.p === p && o.spec.model === model,
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
  for (const r of done) {
    const b = find(r);
    if (!b) continue;
    baselines[b.kind] = (baselines[b.kind] ?? 0) + 1;
    const s =
      r.result.makespanModelMs > 0 ? b.makespanModelMs / r.result.makespanModelMs : Number.NaN;
    const m = b.tokens > 0 ? r.metrics.tokens.total / b.tokens : Number.NaN;
    speedups.push(s);
    bounds.push(workSpanBound(n, b.makespanModelMs, b.spanModelMs));
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
    conflicts,
    failedTestRuns: meanCi(done.map((r) => r.metrics.testRuns.failed)),
    baselines,
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
  const withRuns = sorted.filter((c) => c.completed > 0);
  const growth = slope(withRuns.map((c) => [c.n, c.messages.total.mean]));
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
    dagP: first.dagP,
    points,
    ...(amdahl ? { amdahl } : {}),
    ...(usl ? { usl } : {}),
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
 * A later record of a key replaces an earlier one.
 */
export function summarizeSweep(records: readonly RunRecord[]): SweepSummary {
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
  const curves = groupBy(cells, (c) => `${c.suite}\u0000${c.p}\u0000${c.arch}\u0000${c.model}`).map(
    summarizeCurve,
  );
  const incomplete: Record<string, number> = {};
  for (const r of latest)
    if (!completed(r)) incomplete[r.result.status] = (incomplete[r.result.status] ?? 0) + 1;
  return {
    v: 1,
    generatedAt: new Date().toISOString(),
    runs: latest.length,
    completedRuns: latest.filter(completed).length,
    incomplete,
    cells,
    curves,
  };
}
