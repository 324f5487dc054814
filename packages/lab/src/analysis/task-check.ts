import type { Finding, TaskTrace, ToolTrace, TraceEvent } from '@llm-teams/runtime';
import type { TeamContext } from './team-context.js';

const MAX_LISTED = 5;

/**
 * Where a task became complete as far as others can learn it: its `done` events, and
 * successful tool calls for it that complete it on the shared board (`complete_task`,
 * `board.complete`), which an agent makes before it records `done`.
 */
function completions(ctx: TeamContext, taskId: string): number[] {
  const out = dones(ctx, taskId);
  for (const i of ctx.toolsFor.get(taskId) ?? []) {
    const e = ctx.index.events[i] as ToolTrace;
    if (e.outcome === 'ok' && /complete/i.test(e.name)) out.push(i);
  }
  return out;
}

function dones(ctx: TeamContext, taskId: string): number[] {
  return (ctx.taskEvents.get(taskId) ?? []).filter(
    (i) => (ctx.index.events[i] as TaskTrace).phase === 'done',
  );
}

/**
 * Temporal violations: work on a task (its `start`, or a workspace write made for it) that is
 * not causally after the completion (`done`, or completing it on the board) of each of its
 * dependencies. Reported once per (task,
 * dependency), at the earliest offending event in Lamport order, with the count of others.
 */
export function checkTemporal(ctx: TeamContext): Finding[] {
  const { events } = ctx.index;
  const work = new Map<string, number[]>();
  const add = (task: string, i: number) => {
    const list = work.get(task);
    if (list) list.push(i);
    else work.set(task, [i]);
  };
  for (const [task, list] of ctx.taskEvents) {
    for (const i of list) if ((events[i] as TaskTrace).phase === 'start') add(task, i);
  }
  for (const w of ctx.writes) {
    const task = ctx.taskOf.get(w);
    if (task !== undefined) add(task, w);
  }
  const findings: Finding[] = [];
  for (const [task, list] of work) {
    const deps = ctx.tasks.get(task)?.deps ?? [];
    list.sort((a, b) => (ctx.before(a, b) ? -1 : 1));
    for (const dep of deps) {
      const done = completions(ctx, dep);
      const early = list.filter((e) => !done.some((d) => ctx.clocks.happensBefore(d, e)));
      if (early.length === 0) continue;
      const first = early[0]!;
      const e = events[first]!;
      const what = e.kind === 'tool' ? `wrote ${e.path} for ${task}` : `started ${task}`;
      const later = done.find((d) => ctx.clocks.happensBefore(first, d));
      let verdict: string;
      if (done.length === 0)
        verdict = `${e.actor} ${what}, but its dependency ${dep} was never completed`;
      else if (later !== undefined) {
        verdict = `${e.actor} ${what} before its dependency ${dep} was completed (by ${events[later]!.actor}, causally later)`;
      } else {
        verdict = `${e.actor} ${what} without knowing its dependency ${dep} was done: ${dep}'s completion by ${events[done[0]!]!.actor} is concurrent with it`;
      }
      const more = early.length > 1 ? ` (and ${early.length - 1} more events of ${task})` : '';
      findings.push({
        checker: 'temporal',
        severity: 'error',
        verdict: verdict + more,
        events: [first, ...done.slice(0, MAX_LISTED)].map((i) => ctx.index.ref(i)),
        noChain: `no message or workspace read carries ${dep}'s completion to ${e.actor} before this`,
        details: {
          task,
          dependency: dep,
          actor: e.actor,
          violations: early.length,
          others: early.slice(1, MAX_LISTED + 1).map((i) => ctx.index.ref(i)),
        },
      });
    }
  }
  return findings;
}

/**
 * Duplicate completions: two `done` events for one task. A team that runs backup copies of a
 * task must let one copy win and mark the other `release` (or `fail`), never `done`, so a
 * backup finishing second counts as a duplicate.
 */
export function checkDuplicateCompletions(ctx: TeamContext): Finding[] {
  const findings: Finding[] = [];
  for (const [task] of ctx.taskEvents) {
    const done = dones(ctx, task).sort((a, b) => (ctx.before(a, b) ? -1 : 1));
    if (done.length < 2) continue;
    const [a, b] = [done[0]!, done[1]!];
    const ea = ctx.index.events[a]!;
    const eb = ctx.index.events[b]!;
    const chain = ctx.clocks.causalChain(a, b);
    const who = done.map((i) => ctx.index.events[i]!.actor).join(', ');
    findings.push({
      checker: 'duplicate-completion',
      severity: 'error',
      verdict: chain
        ? `${task} was completed ${done.length} times (${who}); ${eb.actor} completed it knowing ${ea.actor} already had`
        : `${task} was completed ${done.length} times (${who}), concurrently: the losing copy should have been released, not completed`,
      events: done.map((i) => ctx.index.ref(i)),
      ...(chain
        ? { chain: chain.map((i) => ctx.index.ref(i)) }
        : { noChain: `the completions are concurrent; neither actor knew of the other's` }),
      details: {
        task,
        completions: done.length,
        actors: done.map((i) => ctx.index.events[i]!.actor),
      },
    });
  }
  return findings;
}

/** The outcome the run recorded at its end (`mark run.end`), if it did. */
export function runEnd(
  events: readonly TraceEvent[],
): { index: number; completed: boolean } | undefined {
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]!;
    if (e.kind !== 'mark' || e.name !== 'run.end') continue;
    const outcome = e['outcome'] ?? e['status'];
    const completed =
      e['completed'] === true ||
      (typeof outcome === 'string' && /^(completed?|done|ok|success)$/i.test(outcome));
    return { index: i, completed };
  }
  return undefined;
}

/**
 * Lost completions: (a) the run says it completed (`mark run.end` with `completed: true`)
 * but a declared task has no `done`; (b) an actor failed for good (`actor.failed`) holding a
 * task it had claimed or started, no one else worked on the task after (or concurrently
 * with) the failure, and no one ever completed it.
 */
export function checkLostCompletions(ctx: TeamContext): Finding[] {
  const { events } = ctx.index;
  const findings: Finding[] = [];
  const end = runEnd(events);
  if (end?.completed) {
    for (const task of ctx.tasks.keys()) {
      // Completed on the board counts: an actor stopped by the end of the run (its run.done)
      // right after its board write never records its `done`, but the task is not lost.
      if (completions(ctx, task).length > 0) continue;
      const seen = ctx.taskEvents.get(task) ?? [];
      findings.push({
        checker: 'lost-completion',
        severity: 'error',
        verdict: `the run ended as completed, but ${task} was never completed${seen.length === 0 ? ' (nor ever worked on)' : ''}`,
        events: [...seen.slice(-MAX_LISTED), end.index].map((i) => ctx.index.ref(i)),
        noChain: `no done event for ${task} is in the trace`,
        details: { task, phases: seen.map((i) => (events[i] as TaskTrace).phase) },
      });
    }
  }
  for (const lane of ctx.index.lanes) {
    const held = new Map<string, number>();
    for (const i of lane) {
      const e = events[i]!;
      if (e.kind === 'task') {
        if (e.phase === 'claim' || e.phase === 'start') held.set(e.taskId, i);
        else held.delete(e.taskId);
      } else if (e.kind === 'mark' && e.name === 'actor.failed') {
        for (const [task, at] of held) {
          // Taken over: another actor worked on it not before the failure, or anyone did it.
          const after = (ctx.taskEvents.get(task) ?? []).some(
            (t) =>
              (events[t] as TaskTrace).phase === 'done' ||
              (events[t]!.actor !== e.actor && !ctx.clocks.happensBefore(t, i)),
          );
          if (after || (end?.completed && dones(ctx, task).length === 0)) continue;
          findings.push({
            checker: 'lost-completion',
            severity: 'warning',
            verdict: `${task} was lost with ${e.actor}, which failed holding it, and no one took it over`,
            events: [at, i].map((k) => ctx.index.ref(k)),
            chain: [at, i].map((k) => ctx.index.ref(k)),
            details: { task, actor: e.actor },
          });
        }
        held.clear();
      }
    }
  }
  return findings;
}
