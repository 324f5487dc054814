/**
 * Shared state under locks, as the paper's harness keeps it (a lock file per file): before a
 * write a member takes the path's lock, a key in KV created only if absent; it writes with a
 * plain put and lets the lock go. Locks keep two writes from interleaving, not a write from
 * replacing one its author never read (no revision is checked): lost updates are possible, and
 * are what the concurrent-write and rewrite checkers count. The task board is kept the same
 * way, a lock per task around its read-modify-write.
 */
import type { KV } from '@llm-teams/broker';
import { delay, type Clock, type TracePayload } from '@llm-teams/runtime';
import type { TaskBoard } from '../team-state/task-board.js';
import type { WorkspaceStore } from '../team-state/workspace-store.js';
import { casCreate, casUpdate } from '../team-state/kv-cas.js';

export interface FileLocksOptions {
  /** Where the locks live (the team's `leases` bucket). */
  kv: KV;
  /** Who takes the locks. */
  owner: string;
  clock: Clock;
  /** A lock older than this (real ms) is taken over: its holder died holding it. Default 10000. */
  staleMs?: number;
  /** Real ms to wait for a taken lock before giving up. Default 5000. */
  waitMs?: number;
  /** A `tool` event `lock.take` for each lock that had to be waited for or was refused. */
  record?: (payload: TracePayload) => void;
}

export type LockOutcome<T> = { ok: true; value: T } | { ok: false; holder: string };

export interface FileLocks {
  /** Runs `fn` holding the lock `name`; refuses (ok: false) if it stays taken for `waitMs`. */
  withLock<T>(name: string, fn: () => Promise<T>): Promise<LockOutcome<T>>;
}

interface LockValue {
  owner: string;
  at: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function createFileLocks(options: FileLocksOptions): FileLocks {
  const { kv, owner, clock } = options;
  const staleMs = options.staleMs ?? 10_000;
  const waitMs = options.waitMs ?? 5_000;
  const value = () =>
    encoder.encode(JSON.stringify({ owner, at: clock.now() } satisfies LockValue));

  /** The lock's revision once taken, or its holder. */
  async function tryTake(key: string): Promise<{ rev: number } | { holder: string }> {
    const rev = await casCreate(kv, key, value()).catch(() => 0);
    if (rev > 0) return { rev };
    const cur = await kv.get(key);
    // Released between the two reads: the next look takes it.
    if (!cur || cur.operation !== 'PUT') return { holder: '(released)' };
    const held = JSON.parse(decoder.decode(cur.value)) as LockValue;
    if (clock.now() - held.at > staleMs) {
      const taken = await casUpdate(kv, key, value(), cur.revision).catch(() => 0);
      if (taken > 0) return { rev: taken };
    }
    return { holder: held.owner };
  }

  return {
    async withLock(name, fn) {
      const key = `lock.${name}`;
      const deadline = clock.now() + waitMs;
      let waits = 0;
      for (;;) {
        const got = await tryTake(key);
        if ('rev' in got) {
          if (waits > 0)
            options.record?.({ kind: 'tool', name: 'lock.take', outcome: 'ok', lock: name, waits });
          try {
            return { ok: true, value: await fn() };
          } finally {
            await kv.delete(key, { previousSeq: got.rev }).catch(() => undefined);
          }
        }
        if (clock.now() > deadline) {
          options.record?.({
            kind: 'tool',
            name: 'lock.take',
            outcome: 'refused',
            lock: name,
            holder: got.holder,
            waits,
          });
          return { ok: false, holder: got.holder };
        }
        waits++;
        await delay(clock, 2 + Math.min(20, waits * 2));
      }
    },
  };
}

/** A workspace whose writes take the path's lock and put without a revision check. `inner`
 *  must be a workspace store with `unsafeWrites` (plain puts). */
export function lockedWorkspace(inner: WorkspaceStore, locks: FileLocks): WorkspaceStore {
  return {
    read: (path) => inner.read(path),
    list: () => inner.list(),
    async write(path, content, baseRev, author) {
      const out = await locks.withLock(`file.${path}`, () =>
        inner.write(path, content, baseRev, author),
      );
      if (out.ok) return out.value;
      const cur = await inner.read(path);
      return {
        ok: false,
        currentRev: cur?.rev ?? 0,
        currentAuthor: cur?.author,
        reason: `${path} is locked by ${out.holder}`,
      };
    },
  };
}

/** A task board whose updates take the task's lock (read, then a plain put). `inner` must be a
 *  board with `unsafeWrites`. */
export function lockedBoard(inner: TaskBoard, locks: FileLocks): TaskBoard {
  return {
    init: (tasks) => inner.init(tasks),
    get: (id) => inner.get(id),
    all: () => inner.all(),
    async update(taskId, change, attempts) {
      const out = await locks.withLock(`task.${taskId}`, () =>
        inner.update(taskId, change, attempts),
      );
      if (out.ok) return out.value;
      const cur = await inner.get(taskId);
      return {
        ok: false,
        entry: cur?.entry,
        rev: cur?.rev ?? 0,
        refusal: { code: 'locked', holder: out.holder },
      };
    },
  };
}
