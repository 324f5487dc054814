import { z } from 'zod';
import { DEFAULT_MODEL_ID, type Architecture } from '@llm-teams/agents';

export const ARCHITECTURES = [
  'centralized',
  'decentralized',
  'single',
] as const satisfies readonly Architecture[];

/** What identifies one run: the grid coordinates plus the seed and the time scale. */
export const runSpecSchema = z.object({
  /** Suite id or directory. */
  suite: z.string().min(1),
  /** Dependency structure (parallel fraction) the suite declares. */
  p: z.number().min(0).max(1),
  arch: z.enum(ARCHITECTURES),
  /** Team size n; `single` always runs 1. */
  agents: z.number().int().min(1).max(64),
  model: z.string().min(1),
  seed: z.string().min(1),
  /** Real ms per model ms of simulated latency. */
  timeScale: z.number().positive().max(10),
  /** Real-time limit of the run. */
  deadlineMs: z.number().int().positive().optional(),
  /** Repetition index within a sweep cell (informational; the seed is what varies). */
  rep: z.number().int().min(0).optional(),
});

export type RunSpec = z.infer<typeof runSpecSchema>;

export const DEFAULT_RUN_SPEC = {
  suite: 'math',
  p: 0.5,
  arch: 'centralized',
  agents: 3,
  model: DEFAULT_MODEL_ID,
  seed: '1',
  timeScale: 0.01,
} as const satisfies RunSpec;

/** A spec with `single` normalized to one agent, so equal runs get equal keys. */
export function normalizeRunSpec(spec: RunSpec): RunSpec {
  return spec.arch === 'single' ? { ...spec, agents: 1 } : spec;
}

/**
 * The grid key of a run: what a sweep's `results.jsonl` is keyed by and what resume skips.
 * The time scale and deadline are left out: they change how fast a run goes, not what it is.
 */
export function runKey(spec: RunSpec): string {
  const s = normalizeRunSpec(spec);
  return `${s.suite}|p=${s.p}|${s.arch}|n=${s.agents}|${s.model}|seed=${s.seed}`;
}

/** A file-system-safe slug of a key, for per-run directories. */
export function runSlug(spec: RunSpec): string {
  const s = normalizeRunSpec(spec);
  return `${s.suite}-p${s.p}-${s.arch}-n${s.agents}-${s.model}-s${s.seed}`.replace(
    /[^A-Za-z0-9._-]+/g,
    '_',
  );
}
