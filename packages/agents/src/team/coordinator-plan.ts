import type { VersionedEntry } from '../shared/task-board.js';
import type { TaskAssignBody, TaskDoneBody } from '../agent/agent-machine.js';

/** The coordinator's view of one task. */
export interface PlannedTask {
  deps: string[];
  /** Longest path to the end (critical-path-first). */
  priority: number;
  status: 'pending' | 'assigned' | 'verifying' | 'done' | 'failed';
  owner?: string;
  backup?: string;
  /** Real time of the (owner's) assignment, for straggler detection. */
  assignedAt?: number;
  /** Model time of the assignment. */
  assignedModel?: number;
  attempts: number;
  doneModel?: number;
  /** The open vote on this task's result (verification quorum). */
  voteId?: string;
  /** Reviewers asked so far, and the votes they cast. */
  reviewers?: string[];
  votes?: Record<string, 'approve' | 'reject'>;
  /** Its last result was voted down: the next owner starts over even though the board says done. */
  redo?: boolean;
}

/** A trace mark the coordinator should record (votes). */
export interface PlanMark {
  name: string;
  data: Record<string, unknown>;
}

export interface PlanState {
  tasks: Record<string, PlannedTask>;
  /** Worker -> task it holds (owner or backup), or null when idle. */
  workers: Record<string, string | null>;
  suspected: string[];
  /** Workers whose last task straggled, with how many times slower than the median they ran
   *  at least: they get a fresh task only when the others could not finish the ready work
   *  sooner, so the tail of a run is never left to a known straggler. */
  slow: Record<string, number>;
  /** Real durations of completed tasks (straggler threshold). */
  durations: number[];
  /** Model-time durations of completed tasks (when a backup starts, in model time). */
  modelDurations: number[];
  /** Marks produced by the last changes, for the coordinator to record and clear. */
  marks: PlanMark[];
  /** Each worker's model clock as of its last report (when it became free, in model time). */
  workerModel: Record<string, number>;
  modelNow: number;
}

export interface Send {
  to: string;
  type: 'task.assign' | 'task.cancel' | 'task.review';
  body: TaskAssignBody | { taskId: string; reason: string } | TaskReviewBody;
}

export interface TaskReviewBody {
  taskId: string;
  voteId: string;
  epoch: number;
  modelTime: number;
}

export interface VoteBody {
  taskId: string;
  voteId: string;
  value: 'approve' | 'reject';
  reason?: string;
  modelTime: number;
}

export interface PlanOptions {
  epoch: number;
  now: number;
  /** Real ms per model ms. */
  timeScale: number;
  /** Attempts before a task is failed for good. */
  maxAttempts: number;
  /** Backup when a task runs longer than this multiple of the median completed duration. */
  stragglerFactor: number;
  /** ...and longer than this (real ms). */
  stragglerMinMs: number;
  /** Launch backup copies at all. */
  backups: boolean;
  /** With idle workers and nothing ready, back up running tasks past half the median
   *  duration (speculative execution at the tail). */
  tailBackups: boolean;
  /** Reviewers per completed task (verification quorum); 0 turns verification off. A
   *  strict majority of them decides whether the result stands. */
  verify: number;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

function idleWorkers(state: PlanState): string[] {
  return Object.entries(state.workers)
    .filter(([w, t]) => t === null && !state.suspected.includes(w))
    .map(([w]) => w)
    .sort();
}

/** Ready tasks, most critical first (ties by id, so plans are deterministic). */
export function readyByPriority(state: PlanState): string[] {
  return Object.entries(state.tasks)
    .filter(
      ([, t]) => t.status === 'pending' && t.deps.every((d) => state.tasks[d]?.status === 'done'),
    )
    .sort(([a, ta], [b, tb]) => tb.priority - ta.priority || (a < b ? -1 : 1))
    .map(([id]) => id);
}

/**
 * Assigns ready tasks to idle workers critical-path-first; with spare workers and nothing
 * ready, launches a backup copy of the longest-running straggler. Mutates `state`; returns the
 * messages to send.
 */
export function plan(state: PlanState, o: PlanOptions): Send[] {
  const sends: Send[] = [];
  const idle = idleWorkers(state);
  // Reviews first: a task being verified holds up its dependents like a running task.
  if (o.verify > 0) {
    for (const [taskId, t] of Object.entries(state.tasks)) {
      if (t.status !== 'verifying' || !t.voteId) continue;
      const reviewers = (t.reviewers ??= []);
      while (reviewers.length < o.verify) {
        const worker = idle.find((w) => w !== t.owner && !reviewers.includes(w));
        if (!worker) break;
        idle.splice(idle.indexOf(worker), 1);
        reviewers.push(worker);
        state.workers[worker] = `review:${taskId}`;
        sends.push({
          to: worker,
          type: 'task.review',
          body: { taskId, voteId: t.voteId, epoch: o.epoch, modelTime: state.modelNow },
        });
      }
    }
  }
  // Backups: a task running past the straggler threshold holds up everything after it,
  // so a spare worker is worth more on its copy than on a fresh task (which can still be
  // picked up by the next worker to finish).
  if (o.backups && idle.length > 0 && state.durations.length > 0) {
    // Straggling is judged in model time first: other workers' completions move the team's
    // model clock, and a task far behind it is late whatever this machine's load does to real
    // time. Real time is the fallback (with twice the margin) when nothing else completes.
    const modelThreshold = o.stragglerFactor * median(state.modelDurations);
    const realThreshold = Math.max(
      o.stragglerMinMs,
      2 * o.stragglerFactor * median(state.durations),
    );
    const late = (t: PlannedTask) =>
      (state.modelDurations.length > 0 &&
        state.modelNow - (t.assignedModel ?? state.modelNow) > modelThreshold) ||
      (t.assignedAt !== undefined && o.now - t.assignedAt > realThreshold);
    const stragglers = Object.entries(state.tasks)
      .filter(([, t]) => t.status === 'assigned' && !t.backup && late(t))
      .sort(([, a], [, b]) => (a.assignedAt ?? 0) - (b.assignedAt ?? 0));
    for (const [taskId, t] of stragglers) {
      const worker = idle.find((w) => !(w in state.slow));
      if (!worker) break;
      idle.splice(idle.indexOf(worker), 1);
      if (t.owner) {
        const ratio = Math.max(
          (state.modelNow - (t.assignedModel ?? state.modelNow)) /
            Math.max(1, median(state.modelDurations)),
          (o.now - (t.assignedAt ?? o.now)) / Math.max(1, 2 * median(state.durations)),
        );
        state.slow[t.owner] = Math.max(state.slow[t.owner] ?? 0, ratio);
      }
      t.backup = worker;
      state.workers[worker] = taskId;
      // In model time the straggler was detected when it had run `stragglerFactor` median
      // task durations: the backup starts then, or at the latest completion the coordinator has
      // seen. (Converting the real wait instead would count this machine's tool and scheduling
      // delays as model time.)
      const modelTime = Math.max(state.modelNow, (t.assignedModel ?? 0) + modelThreshold);
      sends.push({
        to: worker,
        type: 'task.assign',
        body: { taskId, backup: true, epoch: o.epoch, modelTime },
      });
    }
  }
  const ready = readyByPriority(state);
  const fastWorkers = Object.keys(state.workers).filter(
    (w) => !state.suspected.includes(w) && !(w in state.slow),
  ).length;
  for (const [i, taskId] of ready.entries()) {
    // A worker k times slower helps only when the fast ones would need more than k rounds.
    const worker = idle.find(
      (w) => !(w in state.slow) || ready.length - i > fastWorkers * (state.slow[w] ?? 1),
    );
    if (!worker) break;
    idle.splice(idle.indexOf(worker), 1);
    const t = state.tasks[taskId]!;
    t.status = 'assigned';
    t.owner = worker;
    t.backup = undefined;
    t.assignedAt = o.now;
    // In model time the task starts when it became ready (its last dependency done) or when
    // the worker became free, whichever is later — not when this coordinator happened to hear
    // of the latest completion (that would add artificial rounds).
    const readyAt = Math.max(0, ...t.deps.map((d) => state.tasks[d]?.doneModel ?? 0));
    t.assignedModel = Math.max(readyAt, state.workerModel[worker] ?? 0);
    t.attempts++;
    state.workers[worker] = taskId;
    sends.push({
      to: worker,
      type: 'task.assign',
      body: {
        taskId,
        backup: false,
        epoch: o.epoch,
        modelTime: t.assignedModel,
        ...(t.redo ? { redo: true } : {}),
      },
    });
  }
  // Idle capacity at the tail (nothing ready to give it): back up running tasks that are past
  // half the median duration, longest-running first, as MapReduce does near the end of a
  // phase. A spare worker costs only tokens here, and a straggler no longer holds the run.
  if (o.backups && o.tailBackups && state.modelDurations.length > 0) {
    const tail = 0.5 * median(state.modelDurations);
    const elapsed = (t: PlannedTask) => state.modelNow - (t.assignedModel ?? state.modelNow);
    const candidates = Object.entries(state.tasks)
      .filter(([, t]) => t.status === 'assigned' && !t.backup && elapsed(t) > tail)
      .sort(
        ([a, ta], [b, tb]) =>
          elapsed(tb) - elapsed(ta) || tb.priority - ta.priority || (a < b ? -1 : 1),
      );
    for (const [taskId, t] of candidates) {
      const worker = idle.find((w) => !(w in state.slow) && w !== t.owner);
      if (!worker) break;
      idle.splice(idle.indexOf(worker), 1);
      t.backup = worker;
      state.workers[worker] = taskId;
      const modelTime = Math.max(state.modelNow, (t.assignedModel ?? 0) + tail);
      sends.push({
        to: worker,
        type: 'task.assign',
        body: { taskId, backup: true, epoch: o.epoch, modelTime },
      });
    }
  }
  return sends;
}

/** Applies a worker's report. Returns messages to send (cancelling a losing copy). */
export function applyDone(
  state: PlanState,
  from: string,
  body: TaskDoneBody & { skipped?: string },
  o: PlanOptions,
): Send[] {
  const t = state.tasks[body.taskId];
  if (state.workers[from] === body.taskId) state.workers[from] = null;
  state.workerModel[from] = Math.max(state.workerModel[from] ?? 0, body.modelTime);
  if (!t) return [];
  state.modelNow = Math.max(state.modelNow, body.modelTime);
  if (t.status === 'done' || t.status === 'verifying') return [];
  if (body.ok) {
    const other = from === t.owner ? t.backup : t.owner;
    // A completion after the redo was assigned is the new result.
    t.redo = undefined;
    if (o.verify > 0) {
      t.status = 'verifying';
      t.voteId = `${body.taskId}#${t.attempts}`;
      t.reviewers = [];
      t.votes = {};
      state.marks.push({
        name: 'vote.open',
        data: { voteId: t.voteId, taskId: body.taskId, electorate: o.verify, author: from },
      });
    } else t.status = 'done';
    t.doneModel = body.modelTime;
    if (t.assignedModel !== undefined && from === t.owner) {
      state.modelDurations.push(Math.max(0, body.modelTime - t.assignedModel));
    }
    if (t.assignedAt !== undefined) {
      const took = o.now - t.assignedAt;
      state.durations.push(took);
      // Finishing at a normal pace clears a worker's slow mark.
      if (took <= o.stragglerFactor * median(state.durations)) delete state.slow[from];
    }
    t.owner = from;
    t.backup = undefined;
    if (other && other !== from && state.workers[other] === body.taskId) {
      state.workers[other] = null;
      if (other === t.owner || from !== t.owner) {
        const ratio = (o.now - (t.assignedAt ?? o.now)) / Math.max(1, median(state.durations));
        state.slow[other] = Math.max(state.slow[other] ?? 0, ratio);
      }
      return [
        {
          to: other,
          type: 'task.cancel',
          body: { taskId: body.taskId, reason: `${from} finished it first` },
        },
      ];
    }
    return [];
  }
  // A worker found the task done on the board: the board is the truth, whoever reports it
  // (the report of its completion may not have reached this coordinator yet).
  if (/already done/.test(body.reason ?? '') && !t.redo) {
    if (t.backup && state.workers[t.backup] === body.taskId) state.workers[t.backup] = null;
    t.status = 'done';
    t.backup = undefined;
    t.doneModel = t.doneModel ?? body.modelTime;
    return [];
  }
  // A failed or skipped copy.
  if (from === t.backup) {
    t.backup = undefined;
    return [];
  }
  if (from !== t.owner && t.owner !== undefined) return [];
  if (t.backup) {
    // The backup carries on as the owner.
    t.owner = t.backup;
    t.backup = undefined;
    return [];
  }
  t.owner = undefined;
  t.status = t.attempts >= o.maxAttempts ? 'failed' : 'pending';
  return [];
}

/** Records a reviewer's vote; a strict majority of `verify` decides. Returns nothing to send:
 *  a rejected task simply becomes pending again (with `redo`). */
export function applyVote(state: PlanState, from: string, body: VoteBody, o: PlanOptions): void {
  if (state.workers[from] === `review:${body.taskId}`) state.workers[from] = null;
  state.workerModel[from] = Math.max(state.workerModel[from] ?? 0, body.modelTime);
  state.modelNow = Math.max(state.modelNow, body.modelTime);
  const t = state.tasks[body.taskId];
  if (!t || t.status !== 'verifying' || t.voteId !== body.voteId || !t.reviewers?.includes(from))
    return;
  const votes = (t.votes ??= {});
  if (from in votes) return;
  votes[from] = body.value;
  const values = Object.values(votes);
  const approve = values.filter((v) => v === 'approve').length;
  const reject = values.length - approve;
  const majority = Math.floor(o.verify / 2) + 1;
  const outcome =
    approve >= majority
      ? 'approve'
      : reject >= majority || values.length >= o.verify
        ? 'reject'
        : undefined;
  if (!outcome) return;
  state.marks.push({
    name: 'vote.decided',
    data: { voteId: body.voteId, taskId: body.taskId, outcome, votes: { ...votes } },
  });
  if (approve > 0 && reject > 0) {
    state.marks.push({
      name: 'vote.disagreement',
      data: { voteId: body.voteId, taskId: body.taskId, approve, reject },
    });
  }
  if (outcome === 'approve') {
    t.status = 'done';
  } else {
    t.status = t.attempts >= o.maxAttempts ? 'failed' : 'pending';
    t.owner = undefined;
    t.redo = true;
  }
  t.voteId = undefined;
}

/** A suspected worker's tasks go back to pending (or to their backup). */
export function applySuspect(state: PlanState, worker: string): void {
  if (!state.suspected.includes(worker)) state.suspected.push(worker);
  for (const t of Object.values(state.tasks)) {
    if (t.status === 'verifying' && t.reviewers?.includes(worker) && !(worker in (t.votes ?? {}))) {
      t.reviewers = t.reviewers.filter((w) => w !== worker);
    }
    if (t.status === 'assigned') dropCopy(t, worker);
  }
  state.workers[worker] = null;
}

/**
 * `worker` stops working on the assigned task `t`: its backup copy is dropped, or, as owner,
 * the task passes to its backup or goes back to pending. Returns true in the last case.
 */
function dropCopy(t: PlannedTask, worker: string): boolean {
  if (t.backup === worker) {
    t.backup = undefined;
    return false;
  }
  if (t.owner !== worker) return false;
  if (t.backup) {
    t.owner = t.backup;
    t.backup = undefined;
    return false;
  }
  t.owner = undefined;
  t.status = 'pending';
  return true;
}

/**
 * A `task.assign` or `task.review` to `worker` that could not be published (its at-least-once
 * retries ran out: `send.failed`). The worker never got it, so it is idle, and whatever it was
 * to do goes back to the plan: a task it owned is pending again (or passes to its backup), a
 * backup copy or a review seat it was given is freed. Unlike a suspicion, the worker itself
 * stays eligible. `held` is what the lost message gave it (a task id, or `review:<task id>`);
 * a notice about work the worker no longer holds (given out again since) changes nothing.
 * Returns whether anything changed.
 */
export function applyUndelivered(state: PlanState, worker: string, held: string): boolean {
  if (state.workers[worker] !== held) return false;
  state.workers[worker] = null;
  if (held.startsWith('review:')) {
    const t = state.tasks[held.slice('review:'.length)];
    if (t?.reviewers) t.reviewers = t.reviewers.filter((w) => w !== worker);
    return true;
  }
  const t = state.tasks[held];
  // An attempt that never started does not count against the task's attempts.
  if (t?.status === 'assigned' && dropCopy(t, worker)) t.attempts = Math.max(0, t.attempts - 1);
  return true;
}

export function applyRecover(state: PlanState, worker: string): void {
  state.suspected = state.suspected.filter((w) => w !== worker);
}

/** A new leader's view, rebuilt from the board: done stays done; claimed stays with its owner. */
/** Verification to rebuild on taking over: the reviewers per vote and this leader's epoch. */
export interface ReopenVotes {
  reviewers: number;
  epoch: number;
}

/**
 * The plan as the board has it, for a coordinator taking over. With `reopen`, a done task whose
 * result no quorum approved yet (no `verified` on the board: its vote was open, or not opened,
 * when the last leader went) is verified again, under a new vote id.
 */
export function stateFromBoard(
  board: Map<string, VersionedEntry>,
  priority: ReadonlyMap<string, number>,
  workers: readonly string[],
  now: number,
  reopen?: ReopenVotes,
): PlanState {
  const state: PlanState = {
    tasks: {},
    workers: Object.fromEntries(workers.map((w) => [w, null])),
    suspected: [],
    slow: {},
    durations: [],
    modelDurations: [],
    marks: [],
    workerModel: {},
    modelNow: 0,
  };
  for (const { entry } of board.values()) {
    const t: PlannedTask = {
      deps: entry.deps,
      priority: priority.get(entry.id) ?? 1,
      status: 'pending',
      attempts: entry.claims,
    };
    if (entry.status === 'done') {
      t.status = 'done';
      t.owner = entry.owner;
      t.doneModel = entry.doneAtModel;
      state.modelNow = Math.max(state.modelNow, entry.doneAtModel ?? 0);
      if (reopen && reopen.reviewers > 0 && !entry.verified && entry.owner) {
        t.status = 'verifying';
        t.voteId = `${entry.id}#${entry.claims}@${reopen.epoch}`;
        t.reviewers = [];
        t.votes = {};
        state.marks.push({
          name: 'vote.open',
          data: {
            voteId: t.voteId,
            taskId: entry.id,
            electorate: reopen.reviewers,
            author: entry.owner,
            reopened: true,
          },
        });
      }
    } else if (entry.status === 'failed') t.status = 'failed';
    else if (entry.status === 'claimed' && entry.owner && entry.owner in state.workers) {
      t.status = 'assigned';
      t.owner = entry.owner;
      t.assignedAt = now;
      state.workers[entry.owner] = entry.id;
    }
    state.tasks[entry.id] = t;
  }
  return state;
}

export function allSettled(state: PlanState): boolean {
  return Object.values(state.tasks).every((t) => t.status === 'done' || t.status === 'failed');
}

/** Tasks that can never run: failed, or depending (transitively) on a failed task. */
export function blocked(state: PlanState): boolean {
  const failed = new Set(
    Object.entries(state.tasks)
      .filter(([, t]) => t.status === 'failed')
      .map(([id]) => id),
  );
  if (failed.size === 0) return false;
  let changed = true;
  while (changed) {
    changed = false;
    for (const [id, t] of Object.entries(state.tasks)) {
      if (!failed.has(id) && t.status !== 'done' && t.deps.some((d) => failed.has(d))) {
        failed.add(id);
        changed = true;
      }
    }
  }
  return Object.entries(state.tasks).every(([id, t]) => t.status === 'done' || failed.has(id));
}
