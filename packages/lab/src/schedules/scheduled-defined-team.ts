import {
  memberModelId,
  runDefinedTeam,
  type RunningTeam,
  type TeamDefinition,
} from '@llm-teams/agents';
import type { FreshTeam, NatsConnection } from '@llm-teams/broker';
import type { Clock, DeliveryGate, SharedStateGate, TraceSink } from '@llm-teams/runtime';
import { LabError } from '../lab-error.js';
import { loadTeamDir, type LoadedTeam } from '../teams/team-dir.js';
import type { DefinedScheduleTeam } from './schedule-file.js';

/**
 * What a schedule controls in a team, whichever team it is: its clock, every delivery and
 * shared-state operation, its trace, and the moment it is up (the schedule starts then). The
 * names are the team runners' own options.
 */
export interface ScheduleGates {
  nc: NatsConnection;
  /** The running team's name (unique per run). */
  team: string;
  prefix?: string;
  node: string;
  clock: Clock;
  deliveryGate: DeliveryGate;
  sharedStateGate: SharedStateGate;
  trace: TraceSink;
  onStarted: (team: RunningTeam) => void;
  /** Each member's own clock (a `jump` fault puts one ahead). */
  memberClock: (member: string) => Clock;
  /** The run's team is new (its name unique): its buckets start empty, and the run hears
   *  which it created, to delete only those. */
  fresh: FreshTeam;
}

/** Model ids whose replies take no time and depend only on the conversation. */
const SCHEDULABLE_MODELS = ['script:', 'replay:', 'sim:'];

/**
 * Checks that every member of a team of one's own can run under a schedule: its model is
 * scripted, replayed or simulated (a provider's replies take real time and differ between
 * runs). Errors name the member and its model.
 */
export function checkSchedulableTeam(loaded: LoadedTeam, team: DefinedScheduleTeam): void {
  for (const [id, member] of Object.entries(loaded.definition.members)) {
    const model = memberModelId(loaded.definition, member.model, team.model, loaded.dir);
    if (!SCHEDULABLE_MODELS.some((p) => model.startsWith(p)))
      throw new LabError(
        'INVALID_TEAM',
        `member ${id} uses model ${model}: controlled schedules need replies that take no time ` +
          `and depend only on the conversation (script:<file>, replay:<cassette>)`,
      );
  }
}

/** The team of a schedule file, loaded from its directory (or `dir`, where it was moved):
 *  refused when its team.ts is not the one the schedule was found with. */
export async function loadScheduledTeam(
  team: DefinedScheduleTeam,
  dir: string = team.dir,
): Promise<LoadedTeam> {
  const loaded = await loadTeamDir(dir);
  if (loaded.definition.name !== team.name)
    throw new LabError(
      'INVALID_TEAM',
      `${loaded.file} defines team ${loaded.definition.name}, but the schedule is of team ${team.name}`,
    );
  if (loaded.digest !== team.digest)
    throw new LabError(
      'INVALID_TEAM',
      `${loaded.file} changed since the schedule was found (sha256 ${loaded.digest.slice(0, 12)}, ` +
        `the schedule's ${team.digest.slice(0, 12)}): its steps would not fit; explore it again`,
    );
  return loaded;
}

/** The board's dependencies (for the checkers that need them). */
export function definedTeamDeps(definition: TeamDefinition): Record<string, string[]> {
  return Object.fromEntries((definition.board?.tasks ?? []).map((t) => [t.id, t.deps ?? []]));
}

/** Runs a team of one's own under a schedule's gates, to its end. */
export async function runScheduledDefinedTeam(
  loaded: LoadedTeam,
  team: DefinedScheduleTeam,
  gates: ScheduleGates,
): Promise<{ status: string; reason?: string }> {
  const r = await runDefinedTeam({
    ...gates,
    definition: loaded.definition,
    dir: loaded.dir,
    digest: loaded.digest,
    seed: team.seed,
    ...(team.model !== undefined ? { model: team.model } : {}),
    timeScale: team.timeScale,
    deadlineMs: team.deadlineMs,
    storage: 'memory',
    claims: false,
  });
  return { status: r.status, ...(r.reason !== undefined ? { reason: r.reason } : {}) };
}
