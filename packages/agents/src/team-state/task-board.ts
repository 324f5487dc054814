import type { KV } from '@llm-teams/broker';
import type { SharedStateGate } from '@llm-teams/runtime';
import type { TaskSpec } from '../task-spec.js';
import { casCreate, casUpdate } from './kv-cas.js';
import { kvRequest, type KvRetry } from './kv-retry.js';
import { listKeys } from './kv-keys.js';

export type TaskStatus = 'open' | 'claimed' | 'done' | 'failed';

/** One task's line on the shared board. */
export interface BoardEntry {
  id: string;
  deps: string[];
  status: TaskStatus;
  /** Who works on it (claimed), or who finished it (done). */
  owner?: string;
  /** A second agent running a backup copy of a straggling task. */
  backup?: string;
  /** Wall time until which the claim holds without renewal. */
  leaseUntil?: number;
  claimedAt?: number;
  /** Model time at which it was done (for makespan in model time). */
  doneAtModel?: number;
  /** Claims made on it so far. */
  claims: number;
  /** The coordinator epoch that assigned it (centralized), as a fencing token. */
  epoch?: number;
  /** A verification quorum approved this result (centralized with `verify`): a coordinator
   *  that takes over re-opens the vote on a done task without it. */
  verified?: boolean;
  reason?: string;
}

export interface VersionedEntry {
  entry: BoardEntry;
  rev: number;
}

/**
 * Why a board write did not happen: a typed code (what callers branch on) and, where it helps,
 * the entry's state that refused it. `describeRefusal` turns it into a sentence for a model.
 */
export type BoardRefusal =
  /** No such task on the board. */
  | { code: 'missing' }
  /** The task is done (by `owner`). */
  | { code: 'already-done'; owner?: string | undefined }
  /** A claim of a task that is not open. */
  | { code: 'not-open'; status: TaskStatus; owner?: string | undefined }
  /** A renewal, release or completion by an agent that does not hold the task. */
  | { code: 'not-owner'; owner?: string | undefined }
  /** A backup copy's release by an agent that is not its backup. */
  | { code: 'not-backup'; backup?: string | undefined }
  /** The entry changed between the read that chose the write and the write (steal, takeover). */
  | { code: 'changed' }
  /** A leader's write (or one on its behalf) with an epoch lower than one the entry has seen:
   *  fencing refuses a deposed leader. */
  | { code: 'stale-epoch'; epoch: number; seen: number }
  /** A write that is only valid on a done task (an approval) found it not done. */
  | { code: 'not-done'; status: TaskStatus }
  /** Every compare-and-set attempt lost to a concurrent write. */
  | { code: 'conflict'; attempts: number }
  /** The task's lock stayed taken (a board kept under locks, as the paper's harness keeps it). */
  | { code: 'locked'; holder: string };

export type BoardRefusalCode = BoardRefusal['code'];

export type BoardOutcome =
  | { ok: true; entry: BoardEntry; rev: number }
  | { ok: false; entry: BoardEntry | undefined; rev: number; refusal: BoardRefusal };

/** A refusal as a sentence (for a model's tool result and for trace readers). */
export function describeRefusal(taskId: string, r: BoardRefusal): string {
  switch (r.code) {
    case 'missing':
      return `no task ${taskId} on the board`;
    case 'already-done':
      return `${taskId} is already done by ${r.owner ?? '?'}`;
    case 'not-open':
      return `${taskId} is ${r.status}${r.owner ? ` by ${r.owner}` : ''}`;
    case 'not-owner':
      return `${taskId} is not assigned to you (owner ${r.owner ?? 'none'})`;
    case 'not-backup':
      return `${taskId}'s backup copy is not yours`;
    case 'changed':
      return `${taskId} changed`;
    case 'stale-epoch':
      return `${taskId} refuses epoch ${r.epoch}: it has seen epoch ${r.seen}`;
    case 'not-done':
      return `${taskId} is ${r.status}, not done`;
    case 'conflict':
      return `concurrent updates to ${taskId}`;
    case 'locked':
      return `${taskId} is locked by ${r.holder}`;
  }
}

const isRefusal = (v: BoardEntry | BoardRefusal): v is BoardRefusal => 'code' in v;

export interface TaskBoard {
  /** Creates one entry per task if missing (idempotent: another process may have). */
  init(tasks: readonly TaskSpec[]): Promise<void>;
  get(taskId: string): Promise<VersionedEntry | undefined>;
  all(): Promise<Map<string, VersionedEntry>>;
  /**
   * Compare-and-set update: `change` gets the current entry and returns the new one, or a
   * refusal saying why not. Retries on a concurrent write up to `attempts` times; the outcome
   * says whether it happened.
   */
  update(
    taskId: string,
    change: (entry: BoardEntry) => BoardEntry | BoardRefusal,
    attempts?: number,
  ): Promise<BoardOutcome>;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const keyOf = (taskId: string) => `task.${taskId}`;

function decode(bytes: Uint8Array): BoardEntry {
  return JSON.parse(decoder.decode(bytes)) as BoardEntry;
}

function isWrongSequence(err: unknown): boolean {
  return /wrong last sequence|key exists|already exists/i.test(
    String((err as Error)?.message ?? err),
  );
}

export interface TaskBoardOptions {
  /** Schedule control: every KV operation waits for its turn (docs/schedules.md). Default:
   *  none (operations go straight to the bucket). */
  gate?: SharedStateGate;
  /** TEST ONLY, a deliberately broken protocol: `update` reads, then writes with a plain put
   *  instead of a compare-and-set, so two agents can both win a claim. Schedule exploration
   *  tests use it to show a lost update is found. Default false. */
  unsafeWrites?: boolean;
  /** List the board's keys with one stream-info request instead of a consumer (`listKeys`).
   *  Default false. */
  fastKeys?: boolean;
  /** The board's task ids, when known (a run knows its suite): `all()` then reads each entry
   *  directly — plain requests with a timeout — instead of listing keys through a consumer,
   *  which is slower and can stall while a broker fails over. */
  taskIds?: readonly string[];
  /** Retry requests that fail for a passing reason (a broker failing over). Default: none. */
  retry?: KvRetry;
}

/** The task board in a JetStream KV bucket (the team's `board` bucket); every change is a
 *  compare-and-set on the entry's revision, so two agents can never both win a claim. */
export function createTaskBoard(kv: KV, options: TaskBoardOptions = {}): TaskBoard {
  const gate = options.gate;
  const op = <T>(name: string, key: string, run: () => Promise<T>): Promise<T> =>
    gate ? gate({ store: 'board', op: name, key }, run) : kvRequest(options.retry, run);
  async function get(taskId: string): Promise<VersionedEntry | undefined> {
    const key = keyOf(taskId);
    const e = await op('get', key, () => kv.get(key));
    if (!e || e.operation !== 'PUT') return undefined;
    return { entry: decode(e.value), rev: e.revision };
  }
  return {
    async init(tasks) {
      // All at once, so they leave in one write; one connection keeps their order, and so the
      // revisions they get (a controlled run's trace shows them).
      await Promise.all(
        tasks.map(async (t) => {
          const entry: BoardEntry = { id: t.id, deps: [...t.deps], status: 'open', claims: 0 };
          try {
            await casCreate(kv, keyOf(t.id), encoder.encode(JSON.stringify(entry)));
          } catch (err) {
            if (!isWrongSequence(err)) throw err;
          }
        }),
      );
    },
    get,
    async all() {
      const out = new Map<string, VersionedEntry>();
      const ids = options.taskIds
        ? [...options.taskIds]
        : (await op('keys', 'task.>', () => listKeys(kv, 'task.>', options.fastKeys))).map((k) =>
            k.slice(5),
          );
      const entries = await Promise.all(ids.map((id) => get(id)));
      for (const v of entries) if (v) out.set(v.entry.id, v);
      return out;
    },
    async update(taskId, change, attempts = 5) {
      for (let i = 0; ; i++) {
        const cur = await get(taskId);
        if (!cur) return { ok: false, entry: undefined, rev: 0, refusal: { code: 'missing' } };
        const next = change({ ...cur.entry });
        if (isRefusal(next)) return { ok: false, entry: cur.entry, rev: cur.rev, refusal: next };
        const key = keyOf(taskId);
        const json = JSON.stringify(next);
        const value = encoder.encode(json);
        let sent = 0;
        try {
          const rev = options.unsafeWrites
            ? await op('put', key, () => kv.put(key, value))
            : await op('update', key, () => {
                sent++;
                return casUpdate(kv, key, value, cur.rev);
              });
          return { ok: true, entry: next, rev };
        } catch (err) {
          if (!isWrongSequence(err)) throw err;
          // A write retried after a timeout may have landed the first time, its reply lost
          // (a server's SIGKILL): then the entry is ours, not a rival's. Read as a rival's, a
          // completion looked lost to its own completer (the chaos soak: docs/soak.md).
          const own = sent > 1 ? await get(taskId) : undefined;
          if (own && JSON.stringify(own.entry) === json)
            return { ok: true, entry: next, rev: own.rev };
          if (i + 1 >= attempts) {
            return {
              ok: false,
              entry: cur.entry,
              rev: cur.rev,
              refusal: { code: 'conflict', attempts },
            };
          }
        }
      }
    },
  };
}

/** Tasks whose dependencies are all done and which are still open, per the board. With
 *  `early` (a deliberately broken variant, `early-read`) a claimed dependency counts too. */
export function readyTasks(
  board: Map<string, VersionedEntry>,
  options: { early?: boolean } = {},
): BoardEntry[] {
  const out: BoardEntry[] = [];
  const ok = (d: string) => {
    const status = board.get(d)?.entry.status;
    return status === 'done' || (options.early === true && status === 'claimed');
  };
  for (const { entry } of board.values()) {
    if (entry.status !== 'open') continue;
    if (entry.deps.every(ok)) out.push(entry);
  }
  return out;
}
