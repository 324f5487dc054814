import type { AnyActorLogic } from 'xstate';
import type { Clock, Random, TracePayload } from '@llm-teams/runtime';
import { AgentsError } from '../agents-error.js';
import type { ModelClient } from '../models/index.js';
import type { TaskBoardProtocol } from '../protocols/task-board-protocol.js';
import type { WorkspaceStore } from '../team-state/workspace-store.js';

/**
 * A team of your own, as data: its members (each an xstate actor logic, or an LLM agent built
 * with `llmAgent`), the shared state it starts with, the messages that start it, and how it
 * ends. A directory with a `team.ts` whose default export is a `TeamDefinition` is what
 * `llm-teams run --team <dir>` runs (docs/sdk.md).
 */
export interface TeamDefinition {
  /** The team's name: a token (letters, digits, `_`, `-`); by default the running team's name
   *  on NATS too. */
  name: string;
  description?: string;
  /** Members by id (a token; not `director`, which is the run's own actor). */
  members: Record<string, MemberDefinition>;
  /** Messages the director sends once every member is up. Default none. */
  start?: StartMessage[] | ((team: TeamView) => StartMessage[]);
  /** A task board (`createTaskBoardProtocol`) holding these tasks; members reach it through
   *  `ctx.board`. Default: none. */
  board?: { tasks: BoardTask[]; /** A claim's lease (real ms). Default 30000. */ leaseMs?: number };
  /** Files the shared workspace starts with (path -> content). Default none. */
  workspace?: { files: Record<string, string> };
  /** Message types delivered at least once (JetStream, acknowledged when handled, redelivered
   *  after a crash): work and its outcome. Every other type is at most once. The end message
   *  is always at least once. Default none. */
  reliable?: string[];
  /** How the run ends. Default: when a member sends `team.done` to the director. */
  end?: TeamEnd;
  /** The model members use unless they name one (and unless `--model` is given). Default:
   *  the run's model. */
  model?: string;
}

/** A member of the team. */
export interface MemberDefinition {
  /** A name for a group of members (`verifier`): `team.withRole(role)` lists them. */
  role?: string;
  /** The member's behaviour: xstate actor logic, or a function of the member's context
   *  returning it (called in whichever process hosts the member). */
  logic: AnyActorLogic | ((ctx: MemberContext) => AnyActorLogic | Promise<AnyActorLogic>);
  /** xstate input. Default `{ id, role, team }` (the member's id and the team's roster). */
  input?: (ctx: MemberContext) => unknown;
  /** Topics it receives broadcasts on. Default `['team']`. */
  topics?: string[];
  /** An at-least-once inbox and checkpoints, so a crashed member restarts where it was.
   *  Default: true when the team has `reliable` types. */
  durable?: boolean;
  /** This member's model id (a `script:` path is resolved against the team's directory). */
  model?: string;
}

export interface StartMessage {
  /** A member id, or `#<topic>` for a broadcast. */
  to: string;
  type: string;
  body?: unknown;
}

/** One task of the board: an id, what it depends on, and anything its workers need. */
export interface BoardTask {
  id: string;
  deps?: string[];
  title?: string;
  [field: string]: unknown;
}

export interface TeamEnd {
  /** The message type that ends the run when sent to the director. Its body may say
   *  `{ ok: false, reason }` (the run failed) and carry a `result`. Default `team.done`. */
  message?: string;
  /** End when every task of the board is done. Default false. */
  boardDone?: boolean;
  /** End when every member this process hosts has stopped (reached a final state). Default
   *  false. */
  allStopped?: boolean;
  /** Real-time limit (`--deadline-ms` overrides). Default 600000. */
  deadlineMs?: number;
}

/** The roster, as every member sees it. */
export interface TeamView {
  name: string;
  members: { id: string; role?: string }[];
  /** The ids of the members with `role`, in the order they are declared. */
  withRole(role: string): string[];
  /** The run's own actor: send it the end message. */
  readonly director: 'director';
}

/** What a member's `logic` function gets, in the process that hosts it. */
export interface MemberContext {
  id: string;
  role: string | undefined;
  team: TeamView;
  /** The model id this member uses. */
  model: string;
  /** A model client for this member (seeded, traced as `llm` events, counted in the team's
   *  usage and budget, closed with the team). Default: `model`. */
  createModel(modelId?: string): ModelClient;
  /** The task board acting as this member (teams with a `board`). */
  board: TaskBoardProtocol | undefined;
  /** The board's tasks by id (teams with a `board`). */
  tasks: ReadonlyMap<string, BoardTask>;
  /** The shared workspace (compare-and-set on revisions). */
  workspace: WorkspaceStore;
  /** This member's seeded random stream. */
  random: Random;
  clock: Clock;
  /** Real ms per model ms: how long model latency takes. */
  timeScale: number;
  /** Records a trace event in this member's lane. */
  record(payload: TracePayload): void;
  /** The team's directory, when it came from one (to read files next to `team.ts`). */
  dir: string | undefined;
  /** Closes `close` with the team (a tool server, a file). */
  onClose(close: () => void | Promise<void>): void;
  /**
   * Runs work outside the team — reading a file, calling a service or a process — as one
   * step: under a controlled schedule (`llm-teams explore --team`) it waits for its turn and
   * the schedule waits for it to finish, so the run stays a function of its schedule;
   * otherwise it just runs. `what` names it in the step's id (`<member>#<n> call
   * external/<what>`). Board and workspace operations made inside it are part of the step.
   * `llmAgent` runs each call of a `defineTool` or MCP tool through it.
   */
  external<T>(what: string, run: () => Promise<T>): Promise<T>;
}

/** Names that are also subject tokens (as the broker's `assertToken`). */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;

/** The id of the run's own actor, which records the run's marks and receives its end. */
export const DIRECTOR = 'director';

const problem = (name: string, why: string) =>
  new AgentsError('INVALID_TEAM', `team ${name}: ${why}`);

/**
 * Checks a definition (what a `team.ts` exported) and returns it typed. Every problem names
 * the team and the field.
 */
export function defineTeam(definition: TeamDefinition): TeamDefinition {
  const d = definition as Partial<TeamDefinition> | undefined;
  if (!d || typeof d !== 'object')
    throw new AgentsError('INVALID_TEAM', 'a team definition is an object');
  const name = d.name;
  if (typeof name !== 'string' || !TOKEN_PATTERN.test(name))
    throw new AgentsError(
      'INVALID_TEAM',
      `a team's name is a token of letters, digits, '_' and '-', got ${JSON.stringify(name)}`,
    );
  const members = d.members;
  if (!members || typeof members !== 'object' || Object.keys(members).length === 0)
    throw problem(name, 'members: name at least one member');
  for (const [id, m] of Object.entries(members)) {
    if (!TOKEN_PATTERN.test(id))
      throw problem(name, `members: ${JSON.stringify(id)} is not a token`);
    if (id === DIRECTOR) throw problem(name, `members: "${DIRECTOR}" is the run's own actor`);
    if (!m || (typeof m.logic !== 'function' && typeof m.logic !== 'object'))
      throw problem(name, `members.${id}.logic: an xstate actor logic or a function returning one`);
  }
  if (Array.isArray(d.start)) {
    for (const [i, s] of d.start.entries()) {
      const target = s.to.startsWith('#') ? undefined : s.to;
      if (target !== undefined && !(target in members))
        throw problem(name, `start.${i}.to: no member ${target}`);
    }
  }
  const ids = new Set<string>();
  for (const [i, t] of (d.board?.tasks ?? []).entries()) {
    if (!TOKEN_PATTERN.test(t.id)) throw problem(name, `board.tasks.${i}.id: not a token`);
    if (ids.has(t.id)) throw problem(name, `board.tasks.${i}.id: ${t.id} twice`);
    ids.add(t.id);
  }
  for (const [i, t] of (d.board?.tasks ?? []).entries())
    for (const dep of t.deps ?? [])
      if (!ids.has(dep)) throw problem(name, `board.tasks.${i}.deps: no task ${dep}`);
  return definition;
}

/** The roster of a definition. */
export function teamView(definition: TeamDefinition): TeamView {
  const members = Object.entries(definition.members).map(([id, m]) =>
    m.role === undefined ? { id } : { id, role: m.role },
  );
  return {
    name: definition.name,
    members,
    withRole: (role) => members.filter((m) => m.role === role).map((m) => m.id),
    director: DIRECTOR,
  };
}
