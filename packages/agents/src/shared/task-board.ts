import type { KV } from '@llm-teams/broker';
import type { SharedStateGate } from '@llm-teams/runtime';
import type { TaskSpec } from '../task-spec.js';
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

export type BoardOutcome =
  | { ok: true; entry: BoardEntry; rev: number }
  | { ok: false; entry: BoardEntry | undefined; rev: number; reason: string };

export interface TaskBoard {
  /** Creates one entry per task if missing (idempotent: another process may have). */
  init(tasks: readonly TaskSpec[]): Promise<void>;
  get(taskId: string): Promise<VersionedEntry | undefined>;
  all(): Promise<Map<string, VersionedEntry>>;
  /**
   * Compare-and-set update: `change` gets the current entry and returns the new one, or a
   * string saying why not. Retries on a concurrent write up to `attempts` times; the outcome
   * says whether it happened.
   */
  update(
    taskId: string,
    change: (entry: BoardEntry) => BoardEntry | string,
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
}

/** The task board in a JetStream KV bucket (the team's `board` bucket); every change is a
 *  compare-and-set on the entry's revision, so two agents can never both win a claim. */
export function createTaskBoard(kv: KV, options: TaskBoardOptions = {}): TaskBoard {
  const gate = options.gate;
  const op = <T>(name: string, key: string, run: () => Promise<T>): Promise<T> =>
    gate ? gate({ store: 'board', op: name, key }, run) : run();
  async function get(taskId: string): Promise<VersionedEntry | undefined> {
    const key = keyOf(taskId);
    const e = await op('get', key, () => kv.get(key));
    if (!e || e.operation !== 'PUT') return undefined;
    return { entry: decode(e.value), rev: e.revision };
  }
  return {
    async init(tasks) {
      for (const t of tasks) {
        const entry: BoardEntry = { id: t.id, deps: [...t.deps], status: 'open', claims: 0 };
        try {
          await kv.create(keyOf(t.id), encoder.encode(JSON.stringify(entry)));
        } catch (err) {
          if (!isWrongSequence(err)) throw err;
        }
      }
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
        if (!cur)
          return { ok: false, entry: undefined, rev: 0, reason: `no task ${taskId} on the board` };
        const next = change({ ...cur.entry });
        if (typeof next === 'string')
          return { ok: false, entry: cur.entry, rev: cur.rev, reason: next };
        try {
          const key = keyOf(taskId);
          const value = encoder.encode(JSON.stringify(next));
          const rev = options.unsafeWrites
            ? await op('put', key, () => kv.put(key, value))
            : await op('update', key, () => kv.update(key, value, cur.rev));
          return { ok: true, entry: next, rev };
        } catch (err) {
          if (!isWrongSequence(err)) throw err;
          if (i + 1 >= attempts) {
            return {
              ok: false,
              entry: cur.entry,
              rev: cur.rev,
              reason: `concurrent updates to ${taskId}`,
            };
          }
        }
      }
    },
  };
}

/** Tasks whose dependencies are all done and which are still open, per the board. */
export function readyTasks(board: Map<string, VersionedEntry>): BoardEntry[] {
  const out: BoardEntry[] = [];
  for (const { entry } of board.values()) {
    if (entry.status !== 'open') continue;
    if (entry.deps.every((d) => board.get(d)?.entry.status === 'done')) out.push(entry);
  }
  return out;
}
