import type { KV } from '@llm-teams/broker';
import { delay, systemClock, type Clock } from '@llm-teams/runtime';
import { liveMembers } from './member-claims.js';

/**
 * The join barrier of a team whose members live in several processes, decided from the
 * team's board bucket (never from another process's memory):
 * - a member has joined once its claim (`member.<id>`, member-claims.ts) is live;
 * - the director writes `run.started` once every member elsewhere has joined (or the join
 *   timeout passed); coordinators hosted elsewhere start only then, so they never suspect,
 *   and work around, workers that were merely still starting.
 */
export const RUN_STARTED_KEY = 'run.started';
/** Where the run publishes its configuration for the members that join it. */
export const RUN_CONFIG_KEY = 'run.config';
/** Where the run's end is recorded for nodes that missed the `run.done` broadcast. */
export const RUN_STATUS_KEY = 'run.status';

export interface JoinProgress {
  joined: string[];
  missing: string[];
}

export interface WaitForMembersOptions {
  kv: KV;
  /** The members hosted elsewhere. */
  remote: readonly string[];
  timeoutMs: number;
  /** Members that have joined only once they were heard too (workers: their heartbeat, so
   *  a coordinator starting now does not suspect them), and who was heard so far. */
  heard?: { needed: readonly string[]; set: ReadonlySet<string> };
  /** Hears the progress first with nobody joined yet, then each time someone joins. */
  onChange?: (progress: JoinProgress) => void;
  /** Times the polls and the timeout. Default `systemClock`. */
  clock?: Clock;
}

/** Waits until every member of `remote` has joined (a live claim), or `timeoutMs` passed. */
export async function waitForMembers(options: WaitForMembersOptions): Promise<JoinProgress> {
  const { kv, remote, heard } = options;
  const clock = options.clock ?? systemClock;
  const deadline = clock.now() + options.timeoutMs;
  let last = -1;
  for (;;) {
    const claimed = await liveMembers(kv, remote).catch(() => [] as string[]);
    const joined = claimed.filter((m) => !heard?.needed.includes(m) || heard.set.has(m));
    const progress = { joined, missing: remote.filter((m) => !joined.includes(m)) };
    if (joined.length !== last) {
      last = joined.length;
      options.onChange?.(progress);
    }
    if (progress.missing.length === 0 || clock.now() > deadline) return progress;
    await delay(clock, 100);
  }
}

/**
 * Records that the run started (every process's coordinators may begin) at `runStartMs`, the
 * director's wall time: the origin of model time for every process (the wait for members to
 * start is no model time, docs/contracts.md, Model time).
 */
export async function markRunStarted(
  kv: KV,
  progress: JoinProgress,
  runStartMs: number,
): Promise<void> {
  await kv.put(
    RUN_STARTED_KEY,
    new TextEncoder().encode(JSON.stringify({ ...progress, runStartMs })),
  );
}

/** Waits for `run.started`: its origin of model time (`fallbackMs` when it names none), or
 *  undefined when the run ended first or `stop()` says to give up. Polls on `clock`. */
export async function waitForRunStart(
  kv: KV,
  stop: () => boolean,
  fallbackMs: number,
  clock: Clock = systemClock,
): Promise<number | undefined> {
  while (!stop()) {
    const started = await kv.get(RUN_STARTED_KEY).catch(() => null);
    if (started?.operation === 'PUT') return runStartOf(started.value) ?? fallbackMs;
    const ended = await kv.get(RUN_STATUS_KEY).catch(() => null);
    if (ended?.operation === 'PUT') return undefined;
    await delay(clock, 100);
  }
  return undefined;
}

function runStartOf(value: Uint8Array): number | undefined {
  try {
    const at = (JSON.parse(new TextDecoder().decode(value)) as { runStartMs?: unknown }).runStartMs;
    return typeof at === 'number' && Number.isFinite(at) ? at : undefined;
  } catch {
    return undefined;
  }
}

/** What `whenMembersFinished` looks at: the members' host and the team's board bucket. */
export interface FinishingTeam {
  readonly host: { actor(id: string): { readonly status: string } | undefined };
  readonly boardKv: KV;
}

/** Resolves once none of `members` runs here, or the run's status in KV says it ended
 *  (the `run.done` broadcast may have been lost to a cut link). Polls on `clock`. */
export function whenMembersFinished(
  team: FinishingTeam,
  members: readonly string[],
  clock: Clock,
  closed: () => boolean,
): Promise<void> {
  let checks = 0;
  return new Promise<void>((resolve) => {
    const check = async () => {
      if (closed()) return resolve();
      const running = members.some((id) => {
        const status = team.host.actor(id)?.status;
        return (
          status !== undefined && status !== 'done' && status !== 'stopped' && status !== 'failed'
        );
      });
      const ended =
        ++checks % 5 === 0 &&
        (await Promise.resolve()
          .then(() => team.boardKv.get(RUN_STATUS_KEY))
          .then(
            (e) => e?.operation === 'PUT',
            () => false,
          ));
      if (!running || ended) resolve();
      else clock.setTimeout(() => void check(), 100);
    };
    void check();
  });
}
