import { teamCoordinators, type Architecture } from '@llm-teams/agents';

/** The actors of a team, as `runTeam` names them: what a fault file may refer to. */
export interface TeamRoster {
  /** `a1` ... `aN`. */
  workers: string[];
  /** `coord1` (and the standby `coord2`) in a centralized team, the lead `coord1` of a rounds
   *  team; none otherwise. */
  coordinators: string[];
  /** Every actor, the `director` (which records the run's marks) included. */
  all: string[];
}

export interface TeamRosterOptions {
  arch: Architecture;
  /** Workers; `single` always has one. */
  agents: number;
  /** A centralized team's standby coordinator. Default true (as `runTeam`). */
  standby?: boolean;
}

/** The roster `runTeam` will spawn, known before the run starts. */
export function teamRoster(options: TeamRosterOptions): TeamRoster {
  const n = options.arch === 'single' ? 1 : options.agents;
  const workers = Array.from({ length: n }, (_, i) => `a${i + 1}`);
  const coordinators = teamCoordinators(options.arch, options.standby !== false);
  return { workers, coordinators, all: ['director', ...coordinators, ...workers] };
}
