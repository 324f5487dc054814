import type { TraceEvent } from '@llm-teams/runtime';

/** Where a task is, as the trace says (a task the trace has not mentioned is `pending`). */
export type LiveTaskState = 'pending' | 'claimed' | 'running' | 'done' | 'failed';

/** What an agent is doing, as the trace says. */
export type LiveAgentState = 'busy' | 'idle' | 'suspected' | 'down';

/** A running team at one moment, from its trace so far (what `llm-teams watch` prints). */
export interface LiveTeamSnapshot {
  /** `waiting`: no `run.start` yet; `ended`: the director recorded `run.end`. */
  phase: 'waiting' | 'running' | 'ended';
  /** The run's outcome (`completed`, `failed`, `deadline`, `budget`), once ended. */
  status?: string;
  reason?: string;
  /** Wall ms since `run.start` (to `run.end` once ended). */
  elapsedMs: number;
  tasks: { total: number } & Record<LiveTaskState, number>;
  agents: { id: string; state: LiveAgentState; task?: string }[];
  /** Messages sent per second over the last `rateWindowMs`. */
  messagesPerSec: number;
  messages: number;
  /** Sends after the first attempt, and JetStream redeliveries. */
  retries: number;
  redeliveries: number;
  rejects: number;
  faults: number;
  llmCalls: number;
  tokens: { input: number; output: number };
  /** Wall ms left at the rate tasks were done so far; undefined before the first is done. */
  etaMs?: number;
  events: number;
  nodes: number;
}

export interface LiveTeamStateOptions {
  /** The window of `messagesPerSec`. Default 5000. */
  rateWindowMs?: number;
}

/** A team's state, folded from its trace events as they arrive (any order across actors). */
export interface LiveTeamState {
  apply(event: TraceEvent): void;
  /** The state at wall time `nowMs` (rates and the elapsed time are measured to it). */
  snapshot(nowMs: number): LiveTeamSnapshot;
}

interface TaskProgress {
  /** The agents holding the task now (a straggler's backup copy makes two). */
  holders: Map<string, 'claimed' | 'running'>;
  done: boolean;
  failed: boolean;
}

/** A done task stays done (a backup copy's release does not reopen it); a failed attempt
 *  counts as failed until someone holds the task again. */
function taskState(t: TaskProgress): LiveTaskState {
  if (t.done) return 'done';
  const held = [...t.holders.values()];
  if (held.includes('running')) return 'running';
  if (held.length > 0) return 'claimed';
  return t.failed ? 'failed' : 'pending';
}

/** The team's agents named by `run.start`: a defined team's members, or a suite's workers. */
function agentsOfStart(mark: Record<string, unknown>): string[] {
  if (Array.isArray(mark['members'])) {
    return (mark['members'] as { id?: unknown }[])
      .map((m) => m.id)
      .filter((id): id is string => typeof id === 'string');
  }
  const n = typeof mark['agents'] === 'number' ? mark['agents'] : 0;
  const count = mark['arch'] === 'single' ? 1 : n;
  return Array.from({ length: count }, (_, i) => `a${i + 1}`);
}

/**
 * A team's live state. A team's trace stream outlives its run, so a team name used again holds
 * several runs: a `run.start` after a run's end begins a new state (the view shows the latest
 * run).
 */
export function createLiveTeamState(options: LiveTeamStateOptions = {}): LiveTeamState {
  let current = createRunState(options);
  return {
    apply(event) {
      if (event.kind === 'mark' && event.name === 'run.start' && current.endedBy(event.wall)) {
        current = createRunState(options);
      }
      current.apply(event);
    },
    snapshot: (nowMs) => current.snapshot(nowMs),
  };
}

function createRunState(
  options: LiveTeamStateOptions,
): LiveTeamState & { endedBy(wall: number): boolean } {
  const windowMs = options.rateWindowMs ?? 5000;
  const tasks = new Map<string, TaskProgress>();
  const task = (id: string) => {
    let t = tasks.get(id);
    if (!t) tasks.set(id, (t = { holders: new Map(), done: false, failed: false }));
    return t;
  };
  /** The task each agent holds, and the last wall time it was heard of. */
  const holding = new Map<string, string | undefined>();
  const lastSeen = new Map<string, number>();
  const suspectedAt = new Map<string, number>();
  const down = new Set<string>();
  const sendWalls: number[] = [];
  const nodes = new Set<string>();
  let startWall: number | undefined;
  let end: { wall: number; status?: string; reason?: string } | undefined;
  let firstDoneWall: number | undefined;
  const c = {
    events: 0,
    messages: 0,
    retries: 0,
    redeliveries: 0,
    rejects: 0,
    faults: 0,
    llmCalls: 0,
    input: 0,
    output: 0,
  };

  const mark = (e: Extract<TraceEvent, { kind: 'mark' }>) => {
    if (e.name === 'run.start') {
      startWall = e.wall;
      for (const id of agentsOfStart(e)) if (!holding.has(id)) holding.set(id, undefined);
      if (Array.isArray(e['tasks'])) {
        for (const t of e['tasks'] as { id?: unknown }[]) {
          if (typeof t.id === 'string') task(t.id);
        }
      }
    } else if (e.name === 'run.end') {
      end = {
        wall: e.wall,
        ...(typeof e['status'] === 'string' ? { status: e['status'] } : {}),
        ...(typeof e['reason'] === 'string' ? { reason: e['reason'] } : {}),
      };
    } else if (e.name === 'worker.suspected' && typeof e['worker'] === 'string') {
      suspectedAt.set(e['worker'], e.wall);
    } else if (e.name === 'worker.recovered' && typeof e['worker'] === 'string') {
      suspectedAt.delete(e['worker']);
    }
  };

  const apply = (e: TraceEvent) => {
    c.events++;
    nodes.add(e.node);
    lastSeen.set(e.actor, Math.max(lastSeen.get(e.actor) ?? 0, e.wall));
    switch (e.kind) {
      case 'send':
        c.messages++;
        sendWalls.push(e.wall);
        if (e.attempt > 1) c.retries++;
        break;
      case 'recv':
        if (e.redelivered) c.redeliveries++;
        break;
      case 'reject':
        c.rejects++;
        break;
      case 'fault':
        c.faults++;
        if (typeof e['target'] === 'string') {
          if (e.fault === 'kill' || e.fault === 'crash') down.add(e['target']);
          if (e.fault === 'restart') down.delete(e['target']);
        }
        break;
      case 'llm':
        c.llmCalls++;
        c.input += e.inputTokens;
        c.output += e.outputTokens;
        break;
      case 'task': {
        const t = task(e.taskId);
        if (e.phase === 'claim' || e.phase === 'start') {
          t.holders.set(e.actor, e.phase === 'claim' ? 'claimed' : 'running');
          holding.set(e.actor, e.taskId);
          break;
        }
        t.holders.delete(e.actor);
        if (e.phase === 'done') {
          t.done = true;
          firstDoneWall ??= e.wall;
        }
        if (e.phase === 'fail') t.failed = true;
        if (holding.get(e.actor) === e.taskId || !holding.has(e.actor))
          holding.set(e.actor, undefined);
        break;
      }
      case 'mark':
        mark(e);
        break;
      default:
        break;
    }
  };

  const agentState = (id: string): LiveAgentState => {
    if (down.has(id)) return 'down';
    const suspected = suspectedAt.get(id);
    // Suspected until the agent is heard of again.
    if (suspected !== undefined && (lastSeen.get(id) ?? 0) <= suspected) return 'suspected';
    return holding.get(id) !== undefined ? 'busy' : 'idle';
  };

  const snapshot = (nowMs: number): LiveTeamSnapshot => {
    const counts: Record<LiveTaskState, number> = {
      pending: 0,
      claimed: 0,
      running: 0,
      done: 0,
      failed: 0,
    };
    for (const t of tasks.values()) counts[taskState(t)]++;
    const until = end?.wall ?? nowMs;
    const elapsedMs = startWall === undefined ? 0 : Math.max(0, until - startWall);
    // Hosts' chunks arrive in any order: drop what left the window wherever it is.
    const recent = sendWalls.filter((w) => w >= nowMs - windowMs);
    sendWalls.length = 0;
    sendWalls.push(...recent);
    const left = tasks.size - counts.done;
    const workMs = startWall === undefined ? 0 : until - startWall;
    const etaMs =
      end || counts.done === 0 || firstDoneWall === undefined
        ? undefined
        : Math.max(0, Math.round((workMs / counts.done) * left));
    return {
      phase: end ? 'ended' : startWall === undefined ? 'waiting' : 'running',
      ...(end?.status !== undefined ? { status: end.status } : {}),
      ...(end?.reason !== undefined ? { reason: end.reason } : {}),
      elapsedMs,
      tasks: { total: tasks.size, ...counts },
      agents: [...holding.keys()].sort(byAgentId).map((id) => {
        const task = holding.get(id);
        return { id, state: agentState(id), ...(task !== undefined ? { task } : {}) };
      }),
      messagesPerSec: end ? 0 : Math.round((sendWalls.length / windowMs) * 1000 * 10) / 10,
      messages: c.messages,
      retries: c.retries,
      redeliveries: c.redeliveries,
      rejects: c.rejects,
      faults: c.faults,
      llmCalls: c.llmCalls,
      tokens: { input: c.input, output: c.output },
      ...(etaMs !== undefined ? { etaMs } : {}),
      events: c.events,
      nodes: nodes.size,
    };
  };

  return { apply, snapshot, endedBy: (wall) => end !== undefined && end.wall <= wall };
}

/** `a2` before `a10`. */
function byAgentId(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}
