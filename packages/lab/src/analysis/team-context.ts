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
   * Task dependencies, `{ [taskId]: deps }`. Merged over the `run.tasks` mark of the trace
   * (`{ tasks: { id, deps, files? }[] }`), which is read when present. Default: the mark only.
   */
  deps?: Record<string, string[]>;
  /** Which tool events are successful workspace writes. Default: a `path` and a `rev`, and a
   *  tool name that does not start with `read`. */
  isWrite?: (e: ToolTrace) => boolean;
  /**
   * Count reads-from as causality: a write of revision r of a path happens before every access
   * that read r (a write with `baseRev` r, a read returning `rev` r). The workspace is shared
   * state, so this is how one agent learns another's work without a message. Default true.
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
  /** (path, rev) -> the write that produced it. */
  writerOf(path: string, rev: number): number | undefined;
  /** Task events by task id, in trace order. */
  taskEvents: Map<string, number[]>;
  /** a before b in the total order (Lamport time, then actor id) that extends happens-before. */
  before(a: number, b: number): boolean;
}

export const defaultIsWrite = (e: ToolTrace): boolean =>
  typeof e.path === 'string' && typeof e.rev === 'number' && !/^read/i.test(e.name);

/** Reads tasks from the first `run.tasks` mark, then applies the explicit map over them. */
export function declaredTasks(
  events: readonly TraceEvent[],
  deps?: Record<string, string[]>,
): Map<string, DeclaredTask> {
  const tasks = new Map<string, DeclaredTask>();
  const mark = events.find((e) => e.kind === 'mark' && e.name === 'run.tasks');
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
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      if (e.kind !== 'tool' || typeof e.path !== 'string') continue;
      const read = isWrite(e) ? e.baseRev : (e.rev ?? e.baseRev);
      if (typeof read !== 'number' || read <= 0) continue;
      const from = producers.get(key(e.path, read));
      if (from !== undefined && from !== i) edges.push([from, i]);
    }
  }
  const clocks = deriveVectorClocks(index, { extraEdges: edges });

  // The task an actor is on: set by its claim or start, cleared by its done, release, fail.
  const taskOf = new Map<number, string>();
  for (const lane of index.lanes) {
    let current: string | undefined;
    for (const i of lane) {
      const e = events[i]!;
      if (e.kind === 'task') {
        if (e.phase === 'claim' || e.phase === 'start') current = e.taskId;
        else if (current === e.taskId) current = undefined;
      } else if (e.kind === 'tool') {
        const own = e['taskId'];
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
