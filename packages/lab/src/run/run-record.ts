import type { TeamRunResult } from '@llm-teams/agents';
import type { RunMetrics } from '../metrics/trace-metrics.js';
import type { RunSpec } from './run-spec.js';

/** The outcome of one run: `result.json`, and one line of a sweep's `results.jsonl`. */
export interface RunRecord {
  /** Format version. */
  v: 1;
  /** `runKey(spec)`. */
  key: string;
  spec: RunSpec;
  /** ISO time the run started. */
  startedAt: string;
  result: TeamRunResult;
  /** Measured from the trace (docs/metrics.md). */
  metrics: RunMetrics;
  /** Output files, relative to the directory holding `result.json` / `results.jsonl`. */
  files: { trace?: string; result?: string; report?: string };
}

/** A loose check for records read back from disk (the file may come from another version). */
export function isRunRecord(value: unknown): value is RunRecord {
  const r = value as Partial<RunRecord> | null;
  return (
    typeof r === 'object' &&
    r !== null &&
    r.v === 1 &&
    typeof r.key === 'string' &&
    typeof r.spec === 'object' &&
    typeof r.result === 'object' &&
    typeof r.metrics === 'object'
  );
}
