import { z } from 'zod';
import { DEFAULT_MODEL_ID, type Architecture } from '@llm-teams/agents';

export const ARCHITECTURES = [
  'centralized',
  'decentralized',
  'single',
  'rounds',
  'rounds-claim',
] as const satisfies readonly Architecture[];

/** Keys of a model mix: member ids and the two roles. */
export const MEMBER_KEY = /^(a\d+|coord\d+|workers|coordinators)$/;

/** A model mix as one canonical string (`a1=sim:gpt-5.2,coord1=...`, keys sorted). */
export function mixLabel(models: Readonly<Record<string, string>> | undefined): string | undefined {
  const keys = Object.keys(models ?? {}).sort();
  return keys.length === 0 ? undefined : keys.map((k) => `${k}=${models![k]}`).join(',');
}

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
  /** A heterogeneous team: a model per member id (`a1`, `coord1`) or role (`workers`,
   *  `coordinators`); the others use `model`. */
  models: z.record(z.string().regex(MEMBER_KEY), z.string().min(1)).optional(),
  /** `scaled`: the workload grows with the team, one copy of the suite's task graph per agent
   *  (Gustafson's setting); default `fixed`, the suite as it is (Amdahl's). */
  workload: z.enum(['fixed', 'scaled']).optional(),
  /** A centralized team's coordinator gives out work in model-time order
   *  (`CoordinatorOptions.modelTimeOrder`); other architectures have no coordinator, so
   *  `normalizeRunSpec` drops it for them. Default: on when every model of the team is
   *  simulated (`defaultModelTimeOrder`), off otherwise. */
  modelTimeOrder: z.boolean().optional(),
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

/**
 * Whether a centralized team's coordinator gives out work in model-time order when the spec
 * does not say: yes when every model of the team is simulated. Under compressed simulated time
 * reports arrive in the order of this machine's overheads, and the order puts them back
 * (docs/design-notes.md, "Assignments in model-time order"). With real providers model time is
 * real time, a busy worker that has not reported is not free, and waiting for it only costs.
 */
export function defaultModelTimeOrder(spec: Pick<RunSpec, 'arch' | 'model' | 'models'>): boolean {
  if (spec.arch !== 'centralized') return false;
  return [spec.model, ...Object.values(spec.models ?? {})].every((m) => m.startsWith('sim:'));
}

/** The order a run's coordinator uses: the spec's, else the default (`defaultModelTimeOrder`). */
export function modelTimeOrderOf(spec: RunSpec): boolean {
  return spec.arch === 'centralized' && (spec.modelTimeOrder ?? defaultModelTimeOrder(spec));
}

/** A spec with `single` normalized to one agent and defaults left out, so equal runs get
 *  equal keys. */
export function normalizeRunSpec(spec: RunSpec): RunSpec {
  const { models, workload, modelTimeOrder, ...rest } = spec;
  return {
    ...rest,
    ...(spec.arch === 'single' ? { agents: 1 } : {}),
    ...(mixLabel(models) !== undefined ? { models } : {}),
    ...(workload === 'scaled' ? { workload } : {}),
    ...(spec.arch === 'centralized' &&
    modelTimeOrder !== undefined &&
    modelTimeOrder !== defaultModelTimeOrder(spec)
      ? { modelTimeOrder }
      : {}),
  };
}

/** The grid key's tail for what is not the default: the model mix, a scaled workload, the
 *  coordinator's model-time order (on or off against the default). */
function extras(s: RunSpec): string {
  const mix = mixLabel(s.models);
  const order =
    s.modelTimeOrder === undefined
      ? ''
      : s.modelTimeOrder
        ? '|model-time-order'
        : '|no-model-time-order';
  return `${mix !== undefined ? `|models=${mix}` : ''}${s.workload === 'scaled' ? '|scaled' : ''}${order}`;
}

/**
 * The grid key of a run: what a sweep's `results.jsonl` is keyed by and what resume skips.
 * The time scale and deadline are left out: they change how fast a run goes, not what it is.
 */
export function runKey(spec: RunSpec): string {
  const s = normalizeRunSpec(spec);
  return `${s.suite}|p=${s.p}|${s.arch}|n=${s.agents}|${s.model}|seed=${s.seed}${extras(s)}`;
}

/** A file-system-safe slug of a key, for per-run directories. */
export function runSlug(spec: RunSpec): string {
  const s = normalizeRunSpec(spec);
  return `${s.suite}-p${s.p}-${s.arch}-n${s.agents}-${s.model}-s${s.seed}${extras(s)}`.replace(
    /[^A-Za-z0-9._-]+/g,
    '_',
  );
}
