import {
  deriveVectorClocks,
  type ToolTrace,
  type TraceEvent,
  type TraceIndex,
  type VectorClocks,
} from '@llm-teams/runtime';

/** A task as a run declares it: its dependencies and, when known, the files it writes. */
export interface DeclaredTask {
  id: string;
  deps: string[];
  files?: string[];
}

export interface TeamContextOptions {
  /**
   * Task dependencies, `{ [taskId]: deps }`. Merged over the tasks the trace declares: the
   * first `mark run.tasks`, else `mark run.start`, carrying `{ tasks: { id, deps, files? }[] }`.
   * Default: the mark only.
   */
  deps?: Record<string, string[]>;
  /** Which tool events are successful workspace writes. Default: a `path` and a `rev`, and a
   *  tool name that does not start with `read`. */
  isWrite?: (e: ToolTrace) => boolean;
  /**
   * Count reads-from as causality: a write of revision r of a path happens before every access
   * that read r (a write with `baseRev` r, a read returning `rev` r), and a tool event with
   * `kvWrite: 'key@r'` before every one with `kvRead` / `kvReads` naming `key@r'` with r' >= r
   * (the task board: a revision holds what every earlier write of the key made). Shared state is how one agent learns another's work without a message.
   * Default true.
   */
  workspaceCausality?: boolean;
}

/** What the team checkers share: the tasks, who works on what, the workspace, causality. */
export interface TeamContext {
  index: TraceIndex;
  /** Happens-before over messages and (by default) the workspace's reads-from edges. */
  clocks: VectorClocks;
  tasks: Map<string, DeclaredTask>;
  /** Successful workspace writes, in trace order. */
  writes: number[];
  /** Tool event -> the task it was done for (its `taskId`, else the actor's current task). */
  taskOf: Map<number, string>;
  /** Tool events that name a task in their own `taskId` field, by task. */
  toolsFor: Map<string, number[]>;
  /** (path, rev) -> the write that produced it. */
  writerOf(path: string, rev: number): number | undefined;
  /** Task events by task id, in trace order. */
  taskEvents: Map<string, number[]>;
  /** a before b in the total order (Lamport time, then actor id) that extends happens-before. */
  before(a: number, b: number): boolean;
}

/**
 * Key-value accesses a tool event names in the `key@rev` form (`kvRead`, `kvReads`, and for a
 * write that built on a revision, its `kvBase`): the task board and the workspace trace them.
 */
function kvReadsOf(e: ToolTrace): string[] {
  const out: string[] = [];
  for (const k of ['kvRead', 'kvBase']) if (typeof e[k] === 'string') out.push(e[k]);
  const many = e['kvReads'];
  if (Array.isArray(many)) for (const r of many) if (typeof r === 'string') out.push(r);
  return out;
}

/** `bucket/key@rev` as its key and revision. */
function parseKvRef(ref: string): { key: string; rev: number } | undefined {
  const at = ref.lastIndexOf('@');
  const rev = Number(ref.slice(at + 1));
  return at > 0 && Number.isInteger(rev) && rev > 0 ? { key: ref.slice(0, at), rev } : undefined;
}

/**
 * The traced writes (`kvWrite`) of each key: the first event naming each revision. Reading a
 * key at revision r reads the state every write up to r made, not only the write of r: a
 * revision may be written by a step the trace does not show (a new leader fencing the board,
 * an approval), and the read still learned what the traced writes before it did (a
 * dependency's completion).
 */
function kvWritersOf(events: readonly TraceEvent[]): Map<string, { rev: number; event: number }[]> {
  const out = new Map<string, { rev: number; event: number }[]>();
  const seen = new Set<string>();
  for (let i = 0; i < events.length; i++) {
    const w = events[i]!.kind === 'tool' ? (events[i] as ToolTrace)['kvWrite'] : undefined;
    if (typeof w !== 'string' || seen.has(w)) continue;
    seen.add(w);
    const at = parseKvRef(w);
    if (!at) continue;
    const list = out.get(at.key);
    if (list) list.push({ rev: at.rev, event: i });
    else out.set(at.key, [{ rev: at.rev, event: i }]);
  }
  return out;
}

export const defaultIsWrite = (e: ToolTrace): boolean =>
  typeof e.path === 'string' && typeof e.rev === 'number' && !/^read/i.test(e.name);

/** Reads tasks from the `run.tasks` (or `run.start`) mark, then applies the explicit map. */
export function declaredTasks(
  events: readonly TraceEvent[],
  deps?: Record<string, string[]>,
): Map<string, DeclaredTask> {
  const tasks = new Map<string, DeclaredTask>();
  const mark =
    events.find((e) => e.kind === 'mark' && e.name === 'run.tasks') ??
    events.find((e) => e.kind === 'mark' && e.name === 'run.start' && Array.isArray(e['tasks']));
  const list = (mark as { tasks?: unknown } | undefined)?.tasks;
  if (Array.isArray(list)) {
    for (const t of list as Partial<DeclaredTask>[]) {
      if (typeof t.id !== 'string') continue;
      tasks.set(t.id, {
        id: t.id,
        deps: Array.isArray(t.deps) ? t.deps.filter((d) => typeof d === 'string') : [],
        ...(Array.isArray(t.files) ? { files: t.files } : {}),
      });
    }
  }
  for (const [id, d] of Object.entries(deps ?? {})) {
    tasks.set(id, { ...tasks.get(id), id, deps: [...d] });
  }
  return tasks;
}

export function createTeamContext(
  index: TraceIndex,
  options: TeamContextOptions = {},
): TeamContext {
  const { events } = index;
  const isWrite = options.isWrite ?? defaultIsWrite;
  const writes: number[] = [];
  const producers = new Map<string, number>();
  const key = (path: string, rev: number) => `${path}\u0000${rev}`;
  const taskEvents = new Map<string, number[]>();
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    if (e.kind === 'task') {
      const list = taskEvents.get(e.taskId);
      if (list) list.push(i);
      else taskEvents.set(e.taskId, [i]);
    }
    if (e.kind !== 'tool' || !isWrite(e)) continue;
    writes.push(i);
    const k = key(e.path!, e.rev!);
    if (!producers.has(k)) producers.set(k, i);
  }

  const edges: [number, number][] = [];
  if (options.workspaceCausality ?? true) {
    const kvWriters = kvWritersOf(events);
    const link = (from: number | undefined, to: number) => {
      if (from !== undefined && from !== to) edges.push([from, to]);
    };
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      if (e.kind !== 'tool') continue;
      if (typeof e.path === 'string') {
        const read = isWrite(e) ? e.baseRev : (e.rev ?? e.baseRev);
        if (typeof read === 'number' && read > 0) link(producers.get(key(e.path, read)), i);
      }
      for (const r of kvReadsOf(e)) {
        const at = parseKvRef(r);
        if (!at) continue;
        for (const w of kvWriters.get(at.key) ?? []) if (w.rev <= at.rev) link(w.event, i);
      }
    }
  }
  const clocks = deriveVectorClocks(index, { extraEdges: edges });

  // The task an actor is on: set by its claim or start, cleared by its done, release, fail.
  const taskOf = new Map<number, string>();
  const toolsFor = new Map<string, number[]>();
  for (const lane of index.lanes) {
    let current: string | undefined;
    for (const i of lane) {
      const e = events[i]!;
      if (e.kind === 'task') {
        if (e.phase === 'claim' || e.phase === 'start') current = e.taskId;
        else if (current === e.taskId) current = undefined;
      } else if (e.kind === 'tool') {
        const own = e['taskId'];
        if (typeof own === 'string') {
          const list = toolsFor.get(own);
          if (list) list.push(i);
          else toolsFor.set(own, [i]);
        }
        const task = typeof own === 'string' ? own : current;
        if (task !== undefined) taskOf.set(i, task);
      }
    }
  }

  return {
    index,
    clocks,
    tasks: declaredTasks(events, options.deps),
    writes,
    taskOf,
    toolsFor,
    taskEvents,
    writerOf: (path, rev) => producers.get(key(path, rev)),
    before(a, b) {
      const ea = events[a]!;
      const eb = events[b]!;
      if (ea.lamport !== eb.lamport) return ea.lamport < eb.lamport;
      if (ea.actor !== eb.actor) return ea.actor < eb.actor;
      return a < b;
    },
  };
}
