import { z } from 'zod';
import { DEFAULT_MODEL_ID } from '@llm-teams/agents';
import {
  ARCHITECTURES,
  MEMBER_KEY,
  normalizeRunSpec,
  runKey,
  type RunSpec,
} from '../run/run-spec.js';

/** A sweep: every combination of suites x p x agents x arch x models, `reps` times. */
export const sweepGridSchema = z.object({
  suites: z.array(z.string().min(1)).min(1),
  p: z.array(z.number().min(0).max(1)).min(1),
  agents: z.array(z.number().int().min(1).max(64)).min(1),
  arch: z.array(z.enum(ARCHITECTURES)).min(1),
  models: z.array(z.string().min(1)).min(1),
  /** Model mixes (heterogeneous teams): each a model per member id or role on top of the
   *  cell's model; `{}` is the plain team. Default: `[{}]`. */
  mixes: z
    .array(z.record(z.string().regex(MEMBER_KEY), z.string().min(1)))
    .min(1)
    .optional(),
  /** `fixed` (the suite as it is) and / or `scaled` (one copy of its task graph per agent).
   *  Default: `['fixed']`. */
  workloads: z
    .array(z.enum(['fixed', 'scaled']))
    .min(1)
    .optional(),
  /** Centralized cells run with the coordinator's model-time order, or without it
   *  (`RunSpec.modelTimeOrder`); the other architectures are unaffected. Default: the run's
   *  (`defaultModelTimeOrder`: on when every model is simulated). */
  modelTimeOrder: z.boolean().optional(),
  reps: z.number().int().min(1).max(1000),
  /** Rep r runs with seed `<seed>-r<r>`, the same across cells, so runs pair up by seed. */
  seed: z.string().min(1),
  timeScale: z.number().positive().max(10),
  deadlineMs: z.number().int().positive().optional(),
});

export type SweepGrid = z.infer<typeof sweepGridSchema>;

/** The suites of arXiv:2603.12229 (math utilities, data analysis, SVG rendering). */
export const PAPER_SUITES = ['math', 'data', 'svg'] as const;

/** The paper's grid: 3 suites, p = 0.9 / 0.5 / 0.2, n = 1..5, centralized and decentralized. */
export const PAPER_PRESET = {
  suites: [...PAPER_SUITES],
  p: [0.9, 0.5, 0.2],
  agents: [1, 2, 3, 4, 5],
  arch: ['centralized', 'decentralized'],
  models: [DEFAULT_MODEL_ID],
  reps: 3,
  seed: '1',
  timeScale: 0.001,
} as const satisfies SweepGrid;

export const SWEEP_PRESETS = { paper: PAPER_PRESET } as const;
export type SweepPresetName = keyof typeof SWEEP_PRESETS;

/** The seed of rep `rep` of a grid. */
export const repSeed = (seed: string, rep: number): string => `${seed}-r${rep}`;

/**
 * Every run of the grid, once (a `single` team is one agent whatever `agents` says). Ordered
 * rep by rep, so a stopped sweep has whole reps of early cells rather than all reps of a few,
 * and within a rep by team size (descending), so the slow n = 1 runs do not all come last.
 */
export function expandGrid(grid: SweepGrid): RunSpec[] {
  const g = sweepGridSchema.parse(grid);
  const specs = new Map<string, RunSpec>();
  for (let rep = 0; rep < g.reps; rep++) {
    for (const suite of g.suites) {
      for (const p of g.p) {
        for (const model of g.models) {
          for (const models of g.mixes ?? [{}]) {
            for (const workload of g.workloads ?? ['fixed']) {
              for (const agents of [...g.agents].sort((a, b) => b - a)) {
                for (const arch of g.arch) {
                  const spec = normalizeRunSpec({
                    suite,
                    p,
                    arch,
                    agents,
                    model,
                    models,
                    workload,
                    seed: repSeed(g.seed, rep),
                    timeScale: g.timeScale,
                    rep,
                    ...(g.deadlineMs !== undefined ? { deadlineMs: g.deadlineMs } : {}),
                    ...(g.modelTimeOrder !== undefined ? { modelTimeOrder: g.modelTimeOrder } : {}),
                  });
                  const key = runKey(spec);
                  if (!specs.has(key)) specs.set(key, spec);
                }
              }
            }
          }
        }
      }
    }
  }
  return [...specs.values()];
}
