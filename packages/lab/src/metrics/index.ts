// Metrics from a run's trace, the scaling bounds, Amdahl / USL fits and the statistics of reps.
export {
  measureTrace,
  taskSpans,
  type AgentMetrics,
  type MeasureTraceOptions,
  type RunMetrics,
  type TaskSpan,
} from './trace-metrics.js';
export {
  CONFLICT_KINDS,
  countConflicts,
  countDuplicateClaims,
  type ConflictCounts,
} from './conflict-metrics.js';
export { readRunStart, type RunStartInfo } from './run-start.js';
export { amdahlBound, criticalPathModelMs, workSpanBound } from './scaling-bounds.js';
export {
  fitAmdahl,
  fitUsl,
  uslSpeedup,
  type AmdahlFit,
  type SpeedupPoint,
  type UslFit,
} from './scaling-fits.js';
export { meanCi, meanOf, tCritical95, type MeanCi } from './summary-statistics.js';
