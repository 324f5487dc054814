import type { ConflictCounts } from '../metrics/conflict-metrics.js';
import type { MeanCi } from '../metrics/summary-statistics.js';

/** Where a run's T1 came from (docs/metrics.md, Speedup). */
export type BaselineKind =
  /** The n = 1 run of the same suite, p, architecture, model and seed. */
  | 'same-arch'
  /** The `single` run of the same suite, p, model and seed. */
  | 'single'
  /** The mean of every completed n = 1 run of the same suite, p and model (no seed match). */
  | 'pooled';

export type Workload = 'fixed' | 'scaled';

/** One grid cell: a (suite, p, arch, model, mix, workload, n) across its reps. */
export interface CellSummary {
  suite: string;
  p: number;
  arch: string;
  model: string;
  /** The model mix of a heterogeneous team (`a1=sim:gpt-5.2,...`); absent for a plain team. */
  mix?: string;
  /** `scaled`: one copy of the task graph per agent, speedup = work / makespan (Gustafson). */
  workload: Workload;
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
  /** The schedule breakdown (RunMetrics.schedule), per rep: the run's makespan against an ideal
   *  list schedule of its durations, shares of the workers' model time idle while a task was
   *  ready and spent on copies that lost, and the share of starts out of model-time order.
   *  NaN for records written before it was measured. */
  schedule: {
    listScheduleEfficiency: MeanCi;
    idleWhileReady: MeanCi;
    wastedCopies: MeanCi;
    outOfOrderStarts: MeanCi;
  };
  conflicts: Record<keyof ConflictCounts, MeanCi>;
  failedTestRuns: MeanCi;
  baselines: Partial<Record<BaselineKind, number>>;
}
