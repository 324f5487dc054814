/**
 * How well a run was scheduled, from its trace (docs/metrics.md, "Schedule"): where the
 * workers' model time went, how far the run is from an ideal online list schedule of its own
 * task durations, whether tasks started in model-time order, and how long a worker waited in
 * real time between finishing a task and starting its next.
 */
import type { TraceEvent } from '@llm-teams/runtime';
import { longestPathToEnd } from '@llm-teams/agents';

/** One agent's attempt at one task, in that agent's model time. */
export interface TaskSpan {
  actor: string;
  taskId: string;
  startModelMs: number;
  endModelMs: number;
  /** How the attempt ended; `open` if the trace ends first. */
  outcome: 'done' | 'fail' | 'release' | 'open';
  backup: boolean;
}

export interface ScheduleMetrics {
  /** Shares of the workers' model time (workers x makespan); `work` + `wastedCopies` + `idle`
   *  = 1 (up to overlaps). */
  shares: {
    /** Attempts that finished their task. */
    work: number;
    /** Attempts that did not: backup copies that lost, attempts released, failed or cut off. */
    wastedCopies: number;
    /** Of those, backup copies. */
    wastedBackups: number;
    idle: number;
    /** Of `idle`: a worker idle while a task was ready and not yet started (min of idle workers
     *  and such tasks, integrated over model time). A list scheduler has none. */
    idleWhileReady: number;
    /** Of `idleWhileReady`: a worker's clock jumping ahead, its next task starting later than
     *  both its previous attempt's end and that task's readiness. */
    clockJumps: number;
  };
  /** Makespan of an ideal online list schedule of this run's task durations on as many
   *  workers: critical-path-first by task count, ties by id, no overheads, no knowledge of
   *  durations. */
  listScheduleModelMs: number;
  /** `listScheduleModelMs / makespan`: 1 when the run did as well as that schedule. */
  listScheduleEfficiency: number;
  /** First attempts of tasks that started, in model time, later than an attempt that began
   *  after them in real time: the work was given out in an order that is not model time's. */
  outOfOrderStarts: number;
  /** First attempts of tasks (the denominator of `outOfOrderStarts`). */
  starts: number;
  /** Real time from a worker's end of one attempt to its claim of the next (assignment round
   *  trip, board reads), mean and max over the run; 0 with fewer than two attempts on a worker. */
  reassignWallMs: { mean: number; max: number };
}

interface TimedSpan extends TaskSpan {
  /** Wall time of the attempt's claim (or start) and of its end. */
  claimWall: number;
  endWall: number;
}

/** The model-time breakdown of a run's schedule (see `ScheduleMetrics`). */
export function measureSchedule(
  events: readonly TraceEvent[],
  spans: readonly TaskSpan[],
  tasks: readonly { id: string; deps: string[] }[],
  workers: readonly string[],
  makespan: number,
  taskModelMs: Readonly<Record<string, number>>,
): ScheduleMetrics {
  const timed = withWallTimes(events, spans);
  const doneAt = new Map<string, number>();
  for (const s of spans)
    if (s.outcome === 'done')
      doneAt.set(s.taskId, Math.min(doneAt.get(s.taskId) ?? Infinity, s.endModelMs));
  const readyAt = new Map(
    tasks.map((t) => [t.id, Math.max(0, ...t.deps.map((d) => doneAt.get(d) ?? Infinity))]),
  );
  const firstStart = new Map<string, number>();
  for (const s of spans)
    if (!s.backup)
      firstStart.set(s.taskId, Math.min(firstStart.get(s.taskId) ?? Infinity, s.startModelMs));
  const total = workers.length * makespan;
  const share = (x: number) => (total > 0 ? x / total : 0);
  const length = (s: TaskSpan) =>
    Math.max(0, Math.min(s.endModelMs, makespan) - Math.min(s.startModelMs, makespan));
  const work = spans.filter((s) => s.outcome === 'done').reduce((a, s) => a + length(s), 0);
  const wasted = spans.filter((s) => s.outcome !== 'done').reduce((a, s) => a + length(s), 0);
  const wastedBackups = spans
    .filter((s) => s.outcome !== 'done' && s.backup)
    .reduce((a, s) => a + length(s), 0);
  const listMs = listScheduleMs(tasks, taskModelMs, workers.length);
  const { outOfOrder, starts } = startOrder(timed);
  return {
    shares: {
      work: share(work),
      wastedCopies: share(wasted),
      wastedBackups: share(wastedBackups),
      idle: share(Math.max(0, total - work - wasted)),
      idleWhileReady: share(
        idleWhileReady(spans, workers, makespan, readyAt, firstStart, tasks.length),
      ),
      clockJumps: share(clockJumps(spans, workers, readyAt)),
    },
    listScheduleModelMs: listMs,
    listScheduleEfficiency: makespan > 0 ? listMs / makespan : 1,
    outOfOrderStarts: outOfOrder,
    starts,
    reassignWallMs: reassignWall(timed),
  };
}

/** Makespan of a non-preemptive list schedule on n workers, ready tasks by unit-weight level. */
export function listScheduleMs(
  tasks: readonly { id: string; deps: string[] }[],
  durations: Readonly<Record<string, number>>,
  n: number,
): number {
  if (n < 1) return 0;
  const level = longestPathToEnd(tasks);
  const done = new Set<string>();
  const waiting = new Set(tasks.map((t) => t.id));
  const running: { id: string; end: number }[] = [];
  let now = 0;
  while (waiting.size > 0 || running.length > 0) {
    const ready = tasks
      .filter((t) => waiting.has(t.id) && t.deps.every((d) => done.has(d)))
      .sort((a, b) => level.get(b.id)! - level.get(a.id)! || (a.id < b.id ? -1 : 1));
    for (const t of ready.slice(0, n - running.length)) {
      waiting.delete(t.id);
      running.push({ id: t.id, end: now + (durations[t.id] ?? 0) });
    }
    // A dependency outside the task list: nothing can run.
    if (running.length === 0) break;
    running.sort((a, b) => a.end - b.end);
    const next = running.shift()!;
    now = next.end;
    done.add(next.id);
  }
  return now;
}

/** Worker model time idle while some task was ready and unstarted. */
function idleWhileReady(
  spans: readonly TaskSpan[],
  workers: readonly string[],
  makespan: number,
  readyAt: ReadonlyMap<string, number>,
  firstStart: ReadonlyMap<string, number>,
  taskCount: number,
): number {
  if (taskCount === 0 || makespan <= 0) return 0;
  const points = new Set<number>([0, makespan]);
  for (const s of spans) points.add(s.startModelMs).add(s.endModelMs);
  for (const [id, r] of readyAt) points.add(r).add(firstStart.get(id) ?? makespan);
  const sorted = [...points].filter((p) => p >= 0 && p <= makespan).sort((a, b) => a - b);
  const byWorker = workers.map((w) => spans.filter((s) => s.actor === w));
  let sum = 0;
  for (let i = 0; i + 1 < sorted.length; i++) {
    const from = sorted[i]!;
    const to = sorted[i + 1]!;
    const mid = (from + to) / 2;
    let ready = 0;
    for (const [id, r] of readyAt) if (r <= mid && mid < (firstStart.get(id) ?? Infinity)) ready++;
    if (ready === 0) continue;
    const idle = byWorker.filter(
      (own) => !own.some((s) => s.startModelMs <= mid && mid < s.endModelMs),
    ).length;
    sum += Math.min(idle, ready) * (to - from);
  }
  return sum;
}

/** Per worker, time between attempts that neither the previous attempt nor readiness explains. */
function clockJumps(
  spans: readonly TaskSpan[],
  workers: readonly string[],
  readyAt: ReadonlyMap<string, number>,
): number {
  let sum = 0;
  for (const w of workers) {
    let prevEnd = 0;
    const own = spans.filter((s) => s.actor === w).sort((a, b) => a.startModelMs - b.startModelMs);
    for (const s of own) {
      const ready = readyAt.get(s.taskId) ?? 0;
      sum += Math.max(0, s.startModelMs - Math.max(prevEnd, Number.isFinite(ready) ? ready : 0));
      prevEnd = Math.max(prevEnd, s.endModelMs);
    }
  }
  return sum;
}

/** First attempts started later in model time than one given out after them in real time. */
function startOrder(timed: readonly TimedSpan[]): { outOfOrder: number; starts: number } {
  const seen = new Set<string>();
  const first = [...timed]
    .filter((s) => !s.backup)
    .sort((a, b) => a.claimWall - b.claimWall)
    .filter((s) => !seen.has(s.taskId) && seen.add(s.taskId));
  let outOfOrder = 0;
  let laterMin = Infinity;
  for (let i = first.length - 1; i >= 0; i--) {
    const s = first[i]!;
    if (s.startModelMs > laterMin) outOfOrder++;
    laterMin = Math.min(laterMin, s.startModelMs);
  }
  return { outOfOrder, starts: first.length };
}

/** Real time between a worker's end of one attempt and its claim of the next. */
function reassignWall(timed: readonly TimedSpan[]): { mean: number; max: number } {
  const gaps: number[] = [];
  const byActor = new Map<string, TimedSpan[]>();
  for (const s of timed) byActor.set(s.actor, [...(byActor.get(s.actor) ?? []), s]);
  for (const own of byActor.values()) {
    own.sort((a, b) => a.claimWall - b.claimWall);
    for (let i = 1; i < own.length; i++)
      gaps.push(Math.max(0, own[i]!.claimWall - own[i - 1]!.endWall));
  }
  if (gaps.length === 0) return { mean: 0, max: 0 };
  return { mean: gaps.reduce((a, b) => a + b, 0) / gaps.length, max: Math.max(...gaps) };
}

/**
 * The wall times of each span's claim and end, matched in lane order: the k-th span of an actor
 * on a task is its k-th start on that task (the claim just before it, if any).
 */
function withWallTimes(events: readonly TraceEvent[], spans: readonly TaskSpan[]): TimedSpan[] {
  const marks = new Map<string, { claim: number; start: number; end?: number }[]>();
  const lanes = [...events].filter((e) => e.kind === 'task').sort((a, b) => a.seq - b.seq);
  const pendingClaim = new Map<string, number>();
  for (const e of lanes) {
    if (e.kind !== 'task') continue;
    const key = `${e.actor}\u0000${e.taskId}`;
    const list = marks.get(key) ?? [];
    marks.set(key, list);
    if (e.phase === 'claim') pendingClaim.set(key, e.wall);
    else if (e.phase === 'start') {
      list.push({ claim: pendingClaim.get(key) ?? e.wall, start: e.wall });
      pendingClaim.delete(key);
    } else {
      const open = list.find((m) => m.end === undefined);
      if (open) open.end = e.wall;
    }
  }
  const used = new Map<string, number>();
  return spans.map((s) => {
    const key = `${s.actor}\u0000${s.taskId}`;
    const k = used.get(key) ?? 0;
    used.set(key, k + 1);
    const m = marks.get(key)?.[k];
    return { ...s, claimWall: m?.claim ?? 0, endWall: m?.end ?? m?.start ?? 0 };
  });
}
