// Sweeps: grids of runs in parallel worker processes, resumable, summarized per cell and curve.
export {
  PAPER_PRESET,
  PAPER_SUITES,
  SWEEP_PRESETS,
  expandGrid,
  repSeed,
  sweepGridSchema,
  type SweepGrid,
  type SweepPresetName,
} from './sweep-grid.js';
export {
  openResultsStore,
  readResults,
  type ResultsFile,
  type ResultsStore,
} from './results-store.js';
export {
  summarizeSweep,
  type BaselineKind,
  type CellSummary,
  type CurveSummary,
  type SweepSummary,
} from './sweep-summary.js';
export {
  SWEEP_FILES,
  runSweep,
  type RunSweepOptions,
  type SweepOutcome,
  type SweepProgress,
} from './run-sweep.js';
export {
  SWEEP_WORKER_SCRIPT,
  createWorkerPool,
  type RunJob,
  type WorkerPool,
  type WorkerPoolOptions,
} from './worker-pool.js';
export { serveSweepWorker, type WorkerReply, type WorkerRequest } from './sweep-worker.js';
