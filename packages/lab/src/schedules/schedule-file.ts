import { readFile, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import type { ScheduleChoice, ScheduleDeviation } from '@llm-teams/runtime';

/** The team a schedule runs: everything but the schedule that decides what the run does. */
/** Team architectures controlled schedules support (see docs/schedules.md). */
export const SCHEDULE_ARCHITECTURES = ['decentralized', 'single', 'centralized'] as const;
export type ScheduleArchitecture = (typeof SCHEDULE_ARCHITECTURES)[number];

export const scheduleTeamSchema = z.object({
  /** Suite id (or directory) and the dependency structure. */
  suite: z.string().min(1),
  p: z.number().min(0).max(1),
  arch: z.enum(SCHEDULE_ARCHITECTURES),
  agents: z.number().int().min(1).max(64),
  model: z.string().min(1),
  seed: z.string().min(1),
  /** A deliberately broken protocol, for tests of the explorer: shared state without
   *  compare-and-set (`board`: claims and updates read then put; `files`: writes put). */
  unsafe: z
    .object({ board: z.boolean().default(false), files: z.boolean().default(false) })
    .default({ board: false, files: false }),
  /** Reviewers that verify each result by a vote (centralized teams); 0: no verification. */
  verify: z.number().int().min(0).max(16).default(0),
  /** A known-broken protocol variant switched on (`explore --bug`, docs/bugs). */
  bug: z.string().min(1).optional(),
  /** Virtual ms per ms of model time: 0 (default), model calls take no time; above 0, work
   *  takes virtual time, so leases and failure detection run during it. */
  timeScale: z.number().min(0).max(1).default(0),
  /** How long a `pause` fault stops its actor (virtual ms). */
  pauseMs: z.number().int().positive().default(3000),
  /** How far a `jump` fault steps its actor's clock forward (ms). */
  jumpMs: z.number().int().positive().default(1000),
  /** Leader commands and board writes fenced by epoch (false: as the `stale-leader` bug; a
   *  team setting of its own so a bug can be judged without fencing in both variants). */
  fencing: z.boolean().default(true),
  /** Clock error the leader lease tolerates (`CoordinatorOptions.leaseSkewMs`). */
  leaseSkewMs: z.number().int().min(0).default(0),
  /** A centralized coordinator gives out work in model-time order
   *  (`CoordinatorOptions.modelTimeOrder`). Off unless asked for (`explore --model-time-order`):
   *  the order is for compressed simulated time, and under it the bug zoo's `stale-leader` is
   *  not reached (docs/design-notes.md); a schedule file names it, so it replays the same. */
  modelTimeOrder: z.boolean().default(false),
  /** Virtual-time limit of the run. */
  deadlineMs: z.number().int().positive().default(10_000),
  /** Decisions before the run is wound down (counts: replay must wind down at the same
   *  point). */
  maxSteps: z.number().int().positive().default(20_000),
});
export type ScheduleTeam = z.output<typeof scheduleTeamSchema>;
export type ScheduleTeamInput = z.input<typeof scheduleTeamSchema>;

/** A team of one's own (`explore --team <dir>`, docs/sdk.md) under a schedule. */
export const definedScheduleTeamSchema = z.object({
  kind: z.literal('defined'),
  /** The team's directory (absolute); `replay --team <dir>` names another. */
  dir: z.string().min(1),
  /** The definition's name, and the sha256 of its team.ts: a replay of another version of
   *  the team is refused (its schedule would not fit). */
  name: z.string().min(1),
  digest: z.string().min(1),
  /** `--model`, when given (else each member's own, then the team's). */
  model: z.string().min(1).optional(),
  seed: z.string().min(1),
  timeScale: z.number().min(0).max(1).default(0),
  pauseMs: z.number().int().positive().default(3000),
  /** How far a `jump` fault steps its member's clock (virtual ms). */
  jumpMs: z.number().int().positive().default(1000),
  deadlineMs: z.number().int().positive().default(10_000),
  maxSteps: z.number().int().positive().default(20_000),
});
export type DefinedScheduleTeam = z.output<typeof definedScheduleTeamSchema>;

/** The team of a schedule file: a built-in suite's team, or one of one's own. */
export type AnyScheduleTeam = ScheduleTeam | DefinedScheduleTeam;

export function isDefinedScheduleTeam(team: AnyScheduleTeam): team is DefinedScheduleTeam {
  return 'kind' in team && team.kind === 'defined';
}

const faultAction = z.enum(['drop', 'redeliver', 'pause', 'jump', 'crash']);
const choiceSchema = z.union([
  z.string().min(1),
  z.object({ step: z.string().min(1), action: faultAction }),
]);

const deviationSchema = z.object({
  index: z.number().int().min(0),
  fallback: z.string(),
  step: z.string(),
  action: faultAction.optional(),
});

export const scheduleFileSchema = z.object({
  v: z.literal(1),
  team: z.union([definedScheduleTeamSchema, scheduleTeamSchema]),
  /** Where decisions were made: in-process, or a controller served on NATS. Either replays. */
  controller: z.enum(['local', 'nats']).default('local'),
  /** How the schedule was found (informational). */
  found: z
    .object({
      strategy: z.string(),
      seed: z.string(),
      index: z.number().int(),
      steps: z.number().int(),
      deviations: z.number().int(),
    })
    .optional(),
  /** Every decision, in order: a step id, or `{ step, action }` for a fault (`drop`,
   *  `redeliver`, `pause`, `jump`, `crash`). */
  choices: z.array(choiceSchema),
  /** The choices that differ from the default order: what shrinking minimised. */
  deviations: z.array(deviationSchema),
  /** What the run under this schedule did; replay must do the same. */
  outcome: z.object({
    failed: z.boolean(),
    /** Checkers that reported errors. */
    failures: z.array(z.string()),
    status: z.string(),
    steps: z.number().int(),
    /** sha256 of the trace without wall-clock fields and with the team name replaced. */
    traceDigest: z.string(),
    /** One line per error finding. */
    findings: z.array(z.string()),
  }),
});
export type ScheduleFile = z.output<typeof scheduleFileSchema>;

export const SCHEDULE_FILE = 'schedule.json';

export function encodeChoices(choices: readonly ScheduleChoice[]): ScheduleFile['choices'] {
  return choices.map((c) => (c.action ? { step: c.step, action: c.action } : c.step));
}

export function decodeChoices(choices: ScheduleFile['choices']): ScheduleChoice[] {
  return choices.map((c) => (typeof c === 'string' ? { step: c } : c));
}

export function encodeDeviations(devs: readonly ScheduleDeviation[]): ScheduleFile['deviations'] {
  return devs.map((d) => ({ ...d }));
}

export async function readScheduleFile(path: string): Promise<ScheduleFile> {
  return scheduleFileSchema.parse(JSON.parse(await readFile(path, 'utf8')));
}

export async function writeScheduleFile(path: string, file: ScheduleFile): Promise<void> {
  // One choice per line keeps a schedule diffable and readable.
  const { choices, deviations, ...head } = file;
  const lines = (items: unknown[]) =>
    items.length === 0
      ? '[]'
      : `[\n${items.map((c) => `    ${JSON.stringify(c)}`).join(',\n')}\n  ]`;
  const headText = JSON.stringify(head, null, 2).replace(/\n}$/, '');
  await writeFile(
    path,
    `${headText},\n  "deviations": ${lines(deviations)},\n  "choices": ${lines(choices)}\n}\n`,
  );
}
