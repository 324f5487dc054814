import { readFile, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import type { ScheduleChoice, ScheduleDeviation } from '@llm-teams/runtime';

/** The team a schedule runs: everything but the schedule that decides what the run does. */
export const scheduleTeamSchema = z.object({
  /** Suite id (or directory) and the dependency structure. */
  suite: z.string().min(1),
  p: z.number().min(0).max(1),
  /** Controlled schedules support self-claiming teams (see docs/schedules.md). */
  arch: z.enum(['decentralized', 'single']),
  agents: z.number().int().min(1).max(64),
  model: z.string().min(1),
  seed: z.string().min(1),
  /** A deliberately broken protocol, for tests of the explorer: shared state without
   *  compare-and-set (`board`: claims and updates read then put; `files`: writes put). */
  unsafe: z
    .object({ board: z.boolean().default(false), files: z.boolean().default(false) })
    .default({ board: false, files: false }),
  /** Virtual-time limit of the run. */
  deadlineMs: z.number().int().positive().default(10_000),
  /** Decisions before the run is wound down (counts: replay must wind down at the same
   *  point). */
  maxSteps: z.number().int().positive().default(20_000),
});
export type ScheduleTeam = z.output<typeof scheduleTeamSchema>;
export type ScheduleTeamInput = z.input<typeof scheduleTeamSchema>;

const choiceSchema = z.union([
  z.string().min(1),
  z.object({ step: z.string().min(1), action: z.literal('drop') }),
]);

const deviationSchema = z.object({
  index: z.number().int().min(0),
  fallback: z.string(),
  step: z.string(),
  action: z.literal('drop').optional(),
});

export const scheduleFileSchema = z.object({
  v: z.literal(1),
  team: scheduleTeamSchema,
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
  /** Every decision, in order: a step id, or `{ step, action: 'drop' }` for a fault. */
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
  return choices.map((c) => (c.action === 'drop' ? { step: c.step, action: 'drop' } : c.step));
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
