/**
 * The phases of a defined team's run that the definition decides: the board and workspace it
 * starts with, its start messages, and when it has ended (runDefinedTeam runs them in turn).
 */
import { delay, type ActorHandle, type Clock } from '@llm-teams/runtime';
import { DIRECTOR, teamView, type TeamDefinition } from './team-definition.js';
import type { DefinedRunConfig, DefinedTeam } from './defined-team-open.js';
import type { RunStop, TeamRunStatus } from '../team/run-director.js';
import { RUN_CONFIG_KEY } from '../team/team-join.js';

/** The definition's board and workspace as the run starts, and its configuration in KV. */
export async function seedRun(
  open: DefinedTeam,
  definition: TeamDefinition,
  config: DefinedRunConfig,
) {
  await open.board.init(
    (definition.board?.tasks ?? []).map((t) => ({
      id: t.id,
      deps: t.deps ?? [],
      title: '',
      spec: '',
      files: [],
      reference: {},
      tests: {},
    })),
  );
  for (const [path, content] of Object.entries(definition.workspace?.files ?? {})) {
    const cur = await open.setupWorkspace.read(path);
    if (!cur) await open.setupWorkspace.write(path, content, 0, DIRECTOR);
  }
  await open.boardKv.put(RUN_CONFIG_KEY, new TextEncoder().encode(JSON.stringify(config)));
}

/** Sends the definition's start messages from the director. */
export function sendStart(director: ActorHandle, definition: TeamDefinition): void {
  const start =
    typeof definition.start === 'function'
      ? definition.start(teamView(definition))
      : (definition.start ?? []);
  for (const m of start) {
    if (m.to.startsWith('#')) director.runtime.broadcast(m.to.slice(1), m.type, m.body);
    else director.runtime.tell(m.to, m.type, m.body);
  }
}

export type EndMessage = { from: string; body: unknown };

/**
 * Waits for the run's end as the definition says: the end message (a body with `ok: false`
 * fails the run), the board done (or a task failed), every local member stopped, the budget,
 * or the deadline.
 */
export async function awaitDefinedEnd(
  open: DefinedTeam,
  definition: TeamDefinition,
  run: {
    local: readonly string[];
    started: number;
    deadlineMs: number;
    clock: Clock;
    stop: () => RunStop | undefined;
  },
): Promise<{ status: TeamRunStatus; reason?: string; ended?: EndMessage }> {
  const { host } = open;
  const director = host.actor(DIRECTOR)!;
  const end = definition.end ?? {};
  const hasTasks = (definition.board?.tasks ?? []).length > 0;
  for (;;) {
    const stop = run.stop();
    if (stop) return stop;
    const ended = (director.getSnapshot() as { context?: { end?: EndMessage } }).context?.end;
    if (ended) {
      const body = (ended.body ?? {}) as { ok?: unknown; reason?: unknown };
      if (body.ok !== false) return { status: 'completed', ended };
      const reason =
        typeof body.reason === 'string' ? body.reason : `${ended.from} ended the run as failed`;
      return { status: 'failed', reason, ended };
    }
    if (end.boardDone && hasTasks) {
      const all = await open.board.all().catch(() => undefined);
      const entries = all ? [...all.values()].map((v) => v.entry) : [];
      if (all && entries.every((e) => e.status === 'done')) return { status: 'completed' };
      const failed = entries.filter((e) => e.status === 'failed').map((e) => e.id);
      if (failed.length > 0)
        return { status: 'failed', reason: `tasks failed: ${failed.join(', ')}` };
    }
    if (
      end.allStopped &&
      run.local.every((id) =>
        ['done', 'stopped', 'failed'].includes(host.actor(id)?.status ?? 'stopped'),
      )
    )
      return { status: 'completed' };
    if (run.clock.now() - run.started > run.deadlineMs) {
      return {
        status: 'deadline',
        reason: `deadline of ${run.deadlineMs} ms passed before the team ended`,
      };
    }
    await delay(run.clock, 25);
  }
}
