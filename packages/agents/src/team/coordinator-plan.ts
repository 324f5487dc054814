/**
 * The coordinator's plan, pure: its view of the tasks and workers (PlanState), what it sends
 * (plan), and how reports, votes, suspicions and lost messages change it (apply*).
 * Long file: planning and applying share one state's invariants (a task's owner, backup copy and
 * review seats move together), which read best side by side; each function is short.
 */
import type { VersionedEntry } from '../team-state/task-board.js';
import type {
  TaskAssignBody,
  TaskCancelBody,
  TaskDoneBody,
  TaskReviewBody,
  VoteBody,
} from '../agent/agent-messages.js';
import { tally, type QuorumOptions } from '../protocols/quorum-vote.js';

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
  /** What each busy worker was last given, and when: the model time its work started and the
   *  real time it was sent (for ordering assignments by model time, `PlanOptions.modelTimeOrder`). */
  busySince?: Record<string, { model: number; real: number }>;
}

/** A command the coordinator sends; every one carries its epoch (fencing). */
export type Send =
  | { to: string; type: 'task.assign'; body: TaskAssignBody }
  | { to: string; type: 'task.cancel'; body: TaskCancelBody }
  | { to: string; type: 'task.review'; body: TaskReviewBody };

export type { TaskReviewBody, VoteBody };

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
  /** How votes decide (`quorum-vote.ts`). Default: a strict majority of `verify`. */
  quorum?: QuorumOptions;
  /** Give out work in model-time order (default false): an idle worker whose model clock is at
   *  T gets a ready task only when no busy worker could come free before T and claim it first
   *  in model time. With simulated time compressed, reports arrive in the order of this
   *  machine's overheads, not of model time; assigning on arrival hands the next task to
   *  whoever reported first, however far ahead its clock is. The wait costs real time only,
   *  and ends once the busy worker has run past the straggler threshold in real time. */
  modelTimeOrder?: boolean;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

/** Idle workers by id; with `modelTimeOrder`, the earliest free in model time first (ties by
 *  id). By id without it: with real providers, reports already arrive in model-time order. */
function idleWorkers(state: PlanState, o: PlanOptions): string[] {
  const clock = (w: string) => state.workerModel[w] ?? 0;
  const idle = Object.entries(state.workers)
    .filter(([w, t]) => t === null && !state.suspected.includes(w))
    .map(([w]) => w)
    .sort();
  return o.modelTimeOrder ? idle.sort((a, b) => clock(a) - clock(b) || (a < b ? -1 : 1)) : idle;
}

/** Records that `worker` was given work starting at model time `model` (see `busySince`). */
function markBusy(state: PlanState, worker: string, model: number, o: PlanOptions): void {
  (state.busySince ??= {})[worker] = { model, real: o.now };
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
 * Assigns ready tasks to idle workers critical-path-first, the earliest free in model time
 * first; workers no ready task needs may back up a straggler. Mutates `state`; returns the
 * messages to send.
 */
export function plan(state: PlanState, o: PlanOptions): Send[] {
  const sends: Send[] = [];
  const idle = idleWorkers(state, o);
  planReviews(state, o, idle, sends);
  // Ready work first: a backup copy replays a task that is already running, while a ready task
  // waits for a worker; the copy gets only the workers left over (and none held for ready work).
  planAssignments(state, o, idle, sends);
  planStragglerBackups(state, o, idle, sends);
  planTailBackups(state, o, idle, sends);
  return sends;
}

/** Reviewers for tasks being verified, from the idle workers. */
function planReviews(state: PlanState, o: PlanOptions, idle: string[], sends: Send[]): void {
  // Reviews first: a task being verified holds up its dependents like a running task.
  if (o.verify <= 0) return;
  for (const [taskId, t] of Object.entries(state.tasks)) {
    if (t.status !== 'verifying' || !t.voteId) continue;
    const reviewers = (t.reviewers ??= []);
    while (reviewers.length < o.verify) {
      const worker = idle.find((w) => w !== t.owner && !reviewers.includes(w));
      if (!worker) break;
      idle.splice(idle.indexOf(worker), 1);
      reviewers.push(worker);
      state.workers[worker] = `review:${taskId}`;
      // A review starts when the result exists and the reviewer is free.
      const modelTime = Math.max(state.workerModel[worker] ?? 0, t.doneModel ?? 0);
      markBusy(state, worker, modelTime, o);
      sends.push({
        to: worker,
        type: 'task.review',
        body: { taskId, voteId: t.voteId, epoch: o.epoch, modelTime },
      });
    }
  }
}

/** Backup copies of stragglers, for spare workers. */
function planStragglerBackups(
  state: PlanState,
  o: PlanOptions,
  idle: string[],
  sends: Send[],
): void {
  // Backups: a task running past the straggler threshold holds up everything after it,
  // so a spare worker is worth more on its copy than on a fresh task (which can still be
  // picked up by the next worker to finish).
  if (!o.backups || idle.length === 0 || state.durations.length === 0) return;
  // Straggling is judged in model time, at the clock of the spare worker that would run the
  // copy: has the task run `stragglerFactor` median durations by the time that worker is
  // free? (Not at the latest completion heard from anyone: with simulated time compressed,
  // reports arrive in an order that is not model time's, and another worker's clock would
  // call long tasks late that are not.) Real time is the fallback, with twice the margin.
  const modelThreshold = o.stragglerFactor * median(state.modelDurations);
  const realThreshold = Math.max(o.stragglerMinMs, 2 * o.stragglerFactor * median(state.durations));
  const lateFor = (t: PlannedTask, worker: string) =>
    (state.modelDurations.length > 0 &&
      (state.workerModel[worker] ?? 0) - (t.assignedModel ?? Infinity) > modelThreshold) ||
    (t.assignedAt !== undefined && o.now - t.assignedAt > realThreshold);
  const stragglers = Object.entries(state.tasks)
    .filter(([, t]) => t.status === 'assigned' && !t.backup)
    .sort(([, a], [, b]) => (a.assignedAt ?? 0) - (b.assignedAt ?? 0));
  for (const [taskId, t] of stragglers) {
    const worker = idle.find((w) => !(w in state.slow) && w !== t.owner && lateFor(t, w));
    if (!worker) continue;
    idle.splice(idle.indexOf(worker), 1);
    const clock = state.workerModel[worker] ?? 0;
    if (t.owner) {
      const ratio = Math.max(
        (clock - (t.assignedModel ?? clock)) / Math.max(1, median(state.modelDurations)),
        (o.now - (t.assignedAt ?? o.now)) / Math.max(1, 2 * median(state.durations)),
      );
      state.slow[t.owner] = Math.max(state.slow[t.owner] ?? 0, ratio);
    }
    t.backup = worker;
    state.workers[worker] = taskId;
    // The copy starts when its worker is free and the task is late, in model time. (Not at the
    // latest completion heard: that is another worker's clock, and stamping it would move
    // this one's forward by time it never worked. Nor the real wait converted: that would
    // count this machine's delays as model time.)
    const modelTime = Math.max(clock, (t.assignedModel ?? 0) + modelThreshold);
    markBusy(state, worker, modelTime, o);
    sends.push({
      to: worker,
      type: 'task.assign',
      body: { taskId, backup: true, epoch: o.epoch, modelTime },
    });
  }
}

/** Ready tasks to idle workers, most critical first; slow workers only when they help. */
function planAssignments(state: PlanState, o: PlanOptions, idle: string[], sends: Send[]): void {
  const remaining = readyByPriority(state);
  const total = remaining.length;
  const fastWorkers = Object.keys(state.workers).filter(
    (w) => !state.suspected.includes(w) && !(w in state.slow),
  ).length;
  const ahead = o.modelTimeOrder ? busyAhead(state, o) : () => 0;
  // Idle workers come earliest-free first (idleWorkers), so each takes the most critical task
  // left — after the busy workers that may come free before it in model time have theirs.
  for (const worker of [...idle]) {
    const top = remaining[0];
    if (top === undefined) break;
    // A worker k times slower helps only when the fast ones would need more than k rounds.
    const given = total - remaining.length;
    if (worker in state.slow && total - given <= fastWorkers * (state.slow[worker] ?? 1)) continue;
    const taskId = remaining[ahead(worker)];
    idle.splice(idle.indexOf(worker), 1);
    // Held: the work left is for workers ahead of it in model time (or more critical than
    // what is left after theirs). It stays free for the next plan, not for a backup copy.
    if (taskId === undefined || state.tasks[taskId]!.priority !== state.tasks[top]!.priority)
      continue;
    remaining.splice(remaining.indexOf(taskId), 1);
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
    markBusy(state, worker, t.assignedModel, o);
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
}

/**
 * For model-time order: how many tasks the busy workers may start before `worker`'s clock in
 * model time. Each that started its work earlier than that clock may come free before it, and
 * may go on to start a task every median duration until then: a worker one task ahead takes one
 * task first, a worker many tasks ahead leaves that many to the others. (Counting one per busy
 * worker whatever the gap gave the worker furthest ahead — the first to report, under compressed
 * time — task after task that the others would have started earlier.) A worker that has run past
 * the straggler threshold in real time is not waited for.
 */
function busyAhead(state: PlanState, o: PlanOptions): (worker: string) => number {
  const waitMs = Math.max(o.stragglerMinMs, 2 * o.stragglerFactor * median(state.durations));
  const typical = median(state.modelDurations);
  const busy = Object.entries(state.workers)
    .filter(([w, held]) => held !== null && !state.suspected.includes(w))
    .map(([w]) => state.busySince?.[w] ?? { model: 0, real: o.now })
    .filter((b) => o.now - b.real <= waitMs);
  const starts = (since: number, clock: number) =>
    typical > 0 ? Math.max(1, Math.floor((clock - since) / typical)) : 1;
  return (worker) => {
    const clock = state.workerModel[worker] ?? 0;
    return busy.filter((b) => b.model < clock).reduce((n, b) => n + starts(b.model, clock), 0);
  };
}

/** Backup copies of the longest-running tasks, for idle capacity at the tail. */
function planTailBackups(state: PlanState, o: PlanOptions, idle: string[], sends: Send[]): void {
  // Idle capacity at the tail (nothing ready to give it): back up running tasks that are past
  // half the median duration, longest-running first, as MapReduce does near the end of a
  // phase. A spare worker costs only tokens here, and a straggler no longer holds the run.
  if (!o.backups || !o.tailBackups || state.modelDurations.length === 0) return;
  const tail = 0.5 * median(state.modelDurations);
  // Elapsed at the spare worker's clock, as for stragglers above.
  const elapsed = (t: PlannedTask, w: string) =>
    (state.workerModel[w] ?? 0) - (t.assignedModel ?? Infinity);
  const longest = (t: PlannedTask) => state.modelNow - (t.assignedModel ?? state.modelNow);
  const candidates = Object.entries(state.tasks)
    .filter(([, t]) => t.status === 'assigned' && !t.backup)
    .sort(
      ([a, ta], [b, tb]) =>
        longest(tb) - longest(ta) || tb.priority - ta.priority || (a < b ? -1 : 1),
    );
  for (const [taskId, t] of candidates) {
    const worker = idle.find((w) => !(w in state.slow) && w !== t.owner && elapsed(t, w) > tail);
    if (!worker) continue;
    idle.splice(idle.indexOf(worker), 1);
    t.backup = worker;
    state.workers[worker] = taskId;
    // The worker was chosen because its clock is past the task's start plus `tail`: the copy
    // starts there.
    const modelTime = state.workerModel[worker] ?? 0;
    markBusy(state, worker, modelTime, o);
    sends.push({
      to: worker,
      type: 'task.assign',
      body: { taskId, backup: true, epoch: o.epoch, modelTime },
    });
  }
}

/** Applies a worker's report. Returns messages to send (cancelling a losing copy). */
export function applyDone(
  state: PlanState,
  from: string,
  body: TaskDoneBody,
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
    // The other copy loses. Its worker is not marked slow here: a straggling owner was marked
    // when its copy was launched (planStragglerBackups), and a tail copy says nothing of speed.
    if (other && state.workers[other] === body.taskId) {
      state.workers[other] = null;
      return [
        {
          to: other,
          type: 'task.cancel',
          body: { taskId: body.taskId, reason: `${from} finished it first`, epoch: o.epoch },
        },
      ];
    }
    return [];
  }
  // A worker found the task done on the board: the board is the truth, whoever reports it
  // (the report of its completion may not have reached this coordinator yet).
  if (body.skip?.code === 'already-done' && !t.redo) {
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
  const { verdict: outcome, approve, reject } = tally(votes, o.verify, o.quorum);
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
      (state.busySince ??= {})[entry.owner] = { model: 0, real: now };
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
