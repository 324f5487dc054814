import type { TracePayload } from '@llm-teams/runtime';
import {
  readyTasks,
  type BoardEntry,
  type BoardOutcome,
  type BoardRefusal,
  type TaskBoard,
  describeRefusal,
} from '../team-state/task-board.js';

/**
 * The task-board protocol: how agents share a DAG of tasks through a board of versioned
 * entries. Every step is one compare-and-set on the task's entry (a KV revision), so two
 * agents can never both win a claim, and every refusal is a typed `BoardRefusal`.
 *
 * Self-claiming teams `claim` (or `claimNext`) open tasks, `renew` the claim's lease while they
 * work, `complete` or `release` it; an idle agent may `takeover` an expired claim or `steal` a
 * slow one as a backup copy (first to complete wins). Led teams `recordAssignment` (the worker
 * writes the leader's assignment, with the leader's epoch) and the leader `approve`s verified
 * results; a new leader `fenceAll`s the board with its epoch, after which every write carrying
 * a lower epoch is refused (`stale-epoch`).
 */
export interface TaskBoardProtocolOptions {
  board: TaskBoard;
  /** The agent (or leader) acting. */
  agentId: string;
  now(): number;
  /** A claim holds this long without renewal (self-claiming teams). */
  leaseMs: number;
  /** Records a `tool` trace event per board step that agents' traces show (`board.claim`,
   *  `board.takeover`, `board.steal`, `board.read`, `board.complete`). Default: none. */
  record?: ((payload: TracePayload) => void) | undefined;
  /** A failed release of a task claimed this many times fails it for good. Default 3. */
  maxClaims?: number | undefined;
  /** Writes that carry an epoch lower than the entry's are refused. Default true; false is a
   *  deliberately broken variant (a deposed leader's writes land: `stale-leader`). */
  fencing?: boolean | undefined;
  /** A task is ready once its dependencies are claimed, not done. Default false; true is a
   *  deliberately broken variant (work reads a dependency before it is done: `early-read`). */
  earlyReads?: boolean | undefined;
}

export type ClaimNextOutcome =
  | { kind: 'claimed'; taskId: string; backup: boolean; via: 'claim' | 'takeover' | 'steal' }
  /** Nothing ready and nothing to take over: look again later. */
  | { kind: 'wait' }
  /** Every task is done. */
  | { kind: 'finished' };

export interface ClaimNextOptions {
  /** Ready tasks in the order to try them (e.g. critical path first). */
  rank: (ready: BoardEntry[]) => BoardEntry[];
  /** Take over an expired claim, or back up a claim running longer than this (ms). 0: never. */
  stealAfterMs: number;
}

/** Why an agent does not start an assigned task. */
export type SkipReason =
  | { code: 'unknown-task' }
  | { code: 'missing' }
  | { code: 'already-done'; owner?: string | undefined }
  | { code: 'waiting'; deps: string[] }
  | { code: 'refused'; refusal: BoardRefusal };

/** The trace of a completion the board took: a `tool` event naming the write (key@revision). */
export function completedRecord(taskId: string, rev: number): TracePayload {
  return {
    kind: 'tool',
    name: 'board.complete',
    outcome: 'ok',
    taskId,
    kvWrite: `board/task.${taskId}@${rev}`,
  };
}

/** A skip as a sentence (trace and model readers). */
export function describeSkip(taskId: string, skip: SkipReason): string {
  switch (skip.code) {
    case 'unknown-task':
      return `unknown task ${taskId}`;
    case 'missing':
      return `${taskId} is not on the board`;
    case 'already-done':
      return `${taskId} is already done by ${skip.owner ?? '?'}`;
    case 'waiting':
      return `${taskId} waits for ${skip.deps.join(', ')}`;
    case 'refused':
      return describeRefusal(taskId, skip.refusal);
  }
}

export type Readiness =
  | { kind: 'ready'; entry: BoardEntry; rev: number; depsDoneAtModel: number }
  | { kind: 'skip'; skip: SkipReason };

export interface TaskBoardProtocol {
  readonly board: TaskBoard;
  /** Claims an open task: owner, claim time, lease. */
  claim(taskId: string): Promise<BoardOutcome>;
  /** Claims the first ready task by `rank`; else takes over an expired claim or backs up a
   *  slow one (when `stealAfterMs` > 0). */
  claimNext(options: ClaimNextOptions): Promise<ClaimNextOutcome>;
  /** Extends the caller's claim by a lease. */
  renew(taskId: string): Promise<BoardOutcome>;
  /** Gives a claim (or a backup copy) back: open again, or failed after `maxClaims` claims
   *  when `failed`. */
  release(
    taskId: string,
    options: {
      backup: boolean;
      failed: boolean;
      reason: string;
      /** The epoch of the leader whose command this release obeys (a cancellation): refused
       *  when the entry has seen a newer one. */
      epoch?: number | undefined;
    },
  ): Promise<BoardOutcome>;
  /** Marks the caller's task done (owner or backup; first completion wins). */
  complete(taskId: string, options: { modelTime: number }): Promise<BoardOutcome>;
  /** Whether an assigned task can start: on the board, not done (unless `redo`), its
   *  dependencies done. Records `board.read` with the revisions read. */
  readiness(taskId: string, deps: readonly string[], redo: boolean): Promise<Readiness>;
  /** Led teams: the worker writes the leader's assignment (owner, or backup copy) with the
   *  leader's epoch. */
  recordAssignment(
    taskId: string,
    options: { backup: boolean; epoch: number; redo: boolean },
  ): Promise<BoardOutcome>;
  /** The leader records a quorum's approval of a done task. */
  approve(taskId: string, epoch: number): Promise<BoardOutcome>;
  /** A new leader stamps `epoch` on every entry holding a lower one. Resolves with the number
   *  stamped and any entry that has seen a higher epoch (this leader is deposed). */
  fenceAll(epoch: number): Promise<{ stamped: number; higher: number | undefined }>;
}

/** A write with `epoch` against an entry that has seen `entry.epoch`: refused if lower. */
function fenced(entry: BoardEntry, epoch: number, on: boolean): BoardRefusal | undefined {
  const seen = entry.epoch ?? 0;
  return on && epoch < seen ? { code: 'stale-epoch', epoch, seen } : undefined;
}

export function createTaskBoardProtocol(options: TaskBoardProtocolOptions): TaskBoardProtocol {
  const { board, agentId: me, leaseMs } = options;
  const record = options.record ?? (() => undefined);
  const maxClaims = options.maxClaims ?? 3;
  const fencing = options.fencing ?? true;

  const claim = (taskId: string) => {
    const now = options.now();
    return board.update(taskId, (e) =>
      e.status === 'open'
        ? {
            ...e,
            status: 'claimed',
            owner: me,
            claimedAt: now,
            leaseUntil: now + leaseMs,
            claims: e.claims + 1,
          }
        : e.status === 'done'
          ? { code: 'already-done', owner: e.owner }
          : { code: 'not-open', status: e.status, owner: e.owner },
    );
  };

  /**
   * A claim the board says is mine while I ask for work: an earlier incarnation of me made it
   * and crashed or was killed before working on it (or in the middle). No one else takes it
   * over while I beat (I am not suspected) and I would skip it as mine, so I resume it: a
   * fresh lease, and the work starts over.
   */
  async function resumeOrphan(
    entries: Iterable<{ entry: BoardEntry }>,
  ): Promise<ClaimNextOutcome | undefined> {
    for (const { entry } of entries) {
      if (entry.status !== 'claimed' || entry.owner !== me) continue;
      const now = options.now();
      const out = await board.update(entry.id, (e) =>
        e.status === 'claimed' && e.owner === me
          ? { ...e, claimedAt: now, leaseUntil: now + leaseMs }
          : { code: 'changed' },
      );
      record({
        kind: 'tool',
        name: 'board.takeover',
        outcome: out.ok ? 'ok' : 'refused',
        taskId: entry.id,
        orphan: true,
      });
      if (out.ok) return { kind: 'claimed', taskId: entry.id, backup: false, via: 'takeover' };
    }
    return undefined;
  }

  async function stealOrTakeover(
    entries: Iterable<BoardEntry>,
    stealAfterMs: number,
  ): Promise<ClaimNextOutcome> {
    const now = options.now();
    for (const entry of entries) {
      if (entry.status !== 'claimed' || entry.owner === me || entry.backup) continue;
      const expired = (entry.leaseUntil ?? 0) < now;
      const slow = stealAfterMs > 0 && now - (entry.claimedAt ?? now) > stealAfterMs;
      if (!expired && !slow) continue;
      const out = await board.update(entry.id, (e) =>
        e.status === 'claimed' && !e.backup
          ? expired
            ? { ...e, owner: me, claimedAt: now, leaseUntil: now + leaseMs, claims: e.claims + 1 }
            : { ...e, backup: me, claims: e.claims + 1 }
          : { code: 'changed' },
      );
      record({
        kind: 'tool',
        name: expired ? 'board.takeover' : 'board.steal',
        outcome: out.ok ? 'ok' : 'refused',
        taskId: entry.id,
      });
      if (out.ok)
        return {
          kind: 'claimed',
          taskId: entry.id,
          backup: !expired,
          via: expired ? 'takeover' : 'steal',
        };
    }
    return { kind: 'wait' };
  }

  return {
    board,
    claim,
    async claimNext({ rank, stealAfterMs }) {
      const all = await board.all();
      if ([...all.values()].every((v) => v.entry.status === 'done')) return { kind: 'finished' };
      const orphan = await resumeOrphan(all.values());
      if (orphan) return orphan;
      for (const entry of rank(readyTasks(all, { early: options.earlyReads === true }))) {
        const out = await claim(entry.id);
        record({
          kind: 'tool',
          name: 'board.claim',
          outcome: out.ok ? 'ok' : 'refused',
          taskId: entry.id,
          ...(out.ok ? { kvWrite: `board/task.${entry.id}@${out.rev}` } : {}),
        });
        if (out.ok) return { kind: 'claimed', taskId: entry.id, backup: false, via: 'claim' };
      }
      // Expired claims are taken over even with stealing off: a member killed for good holds
      // its claim until then (the chaos soak found a run waiting for its deadline on one).
      return stealOrTakeover(
        [...all.values()].map((v) => v.entry),
        stealAfterMs,
      );
    },
    renew(taskId) {
      const now = options.now();
      return board.update(taskId, (e) =>
        e.status === 'claimed' && e.owner === me
          ? { ...e, leaseUntil: now + leaseMs }
          : { code: 'not-owner', owner: e.owner },
      );
    },
    release(taskId, { backup, failed, reason, epoch }) {
      return board.update(
        taskId,
        (e) => {
          const stale = epoch === undefined ? undefined : fenced(e, epoch, fencing);
          if (stale) return stale;
          if (e.status === 'done') return { code: 'already-done', owner: e.owner };
          if (backup)
            return e.backup === me
              ? { ...e, backup: undefined }
              : { code: 'not-backup', backup: e.backup };
          if (e.owner !== me) return { code: 'not-owner', owner: e.owner };
          return {
            ...e,
            status: failed && e.claims >= maxClaims ? 'failed' : 'open',
            owner: undefined,
            leaseUntil: undefined,
            reason,
          };
        },
        3,
      );
    },
    async complete(taskId, { modelTime }) {
      const out = await board.update(taskId, (e) => {
        if (e.status === 'done') return { code: 'already-done', owner: e.owner };
        if (e.owner !== me && e.backup !== me) return { code: 'not-owner', owner: e.owner };
        return {
          ...e,
          status: 'done',
          owner: me,
          backup: undefined,
          leaseUntil: undefined,
          doneAtModel: modelTime,
        };
      });
      if (out.ok) record(completedRecord(taskId, out.rev));
      return out;
    },
    async readiness(taskId, deps, redo) {
      const cur = await board.get(taskId);
      if (!cur) return { kind: 'skip', skip: { code: 'missing' } };
      if (cur.entry.status === 'done' && !redo)
        return { kind: 'skip', skip: { code: 'already-done', owner: cur.entry.owner } };
      const read = await Promise.all(deps.map((d) => board.get(d)));
      const early = options.earlyReads === true;
      const waiting = deps.filter((_, i) => {
        const status = read[i]?.entry.status;
        return status !== 'done' && !(early && status === 'claimed');
      });
      if (waiting.length > 0) return { kind: 'skip', skip: { code: 'waiting', deps: waiting } };
      record({
        kind: 'tool',
        name: 'board.read',
        outcome: 'deps-done',
        taskId,
        kvReads: read.map((d, i) => `board/task.${deps[i]}@${d?.rev ?? 0}`),
      });
      return {
        kind: 'ready',
        entry: cur.entry,
        rev: cur.rev,
        depsDoneAtModel: Math.max(0, ...read.map((d) => d?.entry.doneAtModel ?? 0)),
      };
    },
    recordAssignment(taskId, { backup, epoch, redo }) {
      const now = options.now();
      return board.update(taskId, (e) => {
        const stale = fenced(e, epoch, fencing);
        if (stale) return stale;
        if (e.status === 'done' && !redo) return { code: 'already-done', owner: e.owner };
        const seen = Math.max(e.epoch ?? 0, epoch);
        if (backup) return { ...e, backup: me, claims: e.claims + 1, epoch: seen };
        return { ...e, status: 'claimed', owner: me, claimedAt: now, claims: e.claims + 1, epoch };
      });
    },
    approve(taskId, epoch) {
      return board.update(taskId, (e) => {
        const stale = fenced(e, epoch, fencing);
        if (stale) return stale;
        return e.status === 'done'
          ? { ...e, verified: true, epoch: Math.max(e.epoch ?? 0, epoch) }
          : { code: 'not-done', status: e.status };
      });
    },
    async fenceAll(epoch) {
      const all = await board.all();
      let stamped = 0;
      let higher: number | undefined;
      await Promise.all(
        [...all.values()].map(async ({ entry }) => {
          if ((entry.epoch ?? 0) >= epoch) {
            if ((entry.epoch ?? 0) > epoch) higher = Math.max(higher ?? 0, entry.epoch!);
            return;
          }
          const out = await board.update(entry.id, (e) =>
            (e.epoch ?? 0) < epoch
              ? { ...e, epoch }
              : { code: 'stale-epoch', epoch, seen: e.epoch ?? 0 },
          );
          if (out.ok) stamped++;
          else if (out.refusal.code === 'stale-epoch' && out.refusal.seen > epoch)
            higher = Math.max(higher ?? 0, out.refusal.seen);
        }),
      );
      return { stamped, higher };
    },
  };
}
