import type { ActorHandle } from '@llm-teams/runtime';

/** A process's share of a running team: the members it hosts (`startTeamNode`). */
export interface TeamNode {
  readonly team: string;
  readonly members: readonly string[];
  /** Resolves when every member here has stopped (the run is over: `run.done`). */
  readonly finished: Promise<void>;
  /** A member hosted here, while it runs. */
  actor(id: string): ActorHandle | undefined;
  /** Stops a member hosted here for good (a killed process). */
  kill(id: string): Promise<void>;
  /** Spawns a killed member again, restoring its checkpoint. No-op while it runs. */
  restart(id: string): Promise<void>;
  close(): Promise<void>;
}
