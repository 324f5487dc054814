import type { Finding, ToolTrace } from '@llm-teams/runtime';
import type { TeamContext } from './team-context.js';

const tool = (ctx: TeamContext, i: number) => ctx.index.events[i] as ToolTrace;

function revs(e: ToolTrace): string {
  return e.baseRev !== undefined ? `rev ${e.baseRev} -> ${e.rev}` : `rev ${e.rev}`;
}

/**
 * Concurrent writes: two successful writes to one path, neither of which happens before the
 * other (counting messages and, by default, workspace reads-from). With compare-and-set
 * every write builds on the revision it read, so such a pair means a writer did not see
 * the other's revision: one of the two updates was made blind.
 */
export function checkConcurrentWrites(ctx: TeamContext): Finding[] {
  const findings: Finding[] = [];
  const byPath = new Map<string, number[]>();
  for (const w of ctx.writes) {
    const path = tool(ctx, w).path!;
    const list = byPath.get(path);
    if (list) list.push(w);
    else byPath.set(path, [w]);
  }
  for (const [path, writes] of byPath) {
    for (let j = 1; j < writes.length; j++) {
      const b = writes[j]!;
      let other: number | undefined;
      for (let k = j - 1; k >= 0; k--) {
        if (ctx.clocks.concurrent(writes[k]!, b)) {
          other = writes[k]!;
          break;
        }
      }
      if (other === undefined) continue;
      const [x, y] = ctx.before(other, b) ? [other, b] : [b, other];
      const ex = tool(ctx, x);
      const ey = tool(ctx, y);
      findings.push({
        checker: 'concurrent-write',
        severity: 'error',
        verdict: `${ex.actor} and ${ey.actor} both wrote ${path} (${revs(ex)}; ${revs(ey)}) and neither write happens before the other`,
        events: [ctx.index.ref(x), ctx.index.ref(y)],
        noChain: `no message or workspace read leads from either write to the other: each writer went ahead without having seen the other's revision`,
        details: {
          path,
          writes: [ex, ey].map((e) => ({
            actor: e.actor,
            rev: e.rev,
            baseRev: e.baseRev,
            task: ctx.taskOf.get(e === ex ? x : y),
          })),
        },
      });
    }
  }
  return findings;
}

/**
 * Rewrite of a teammate's work: a successful write by B to a path whose current revision
 * (the one B's write replaced: the writer of its `baseRev`, or without one the latest earlier
 * write in Lamport order) was written by another actor A for a task T_A, while B's write is
 * for a different task (not a takeover of T_A) whose declared files do not include the path.
 */
export function checkRewrites(ctx: TeamContext): Finding[] {
  const findings: Finding[] = [];
  const latest = new Map<string, number[]>();
  for (const w of ctx.writes) {
    const e = tool(ctx, w);
    const path = e.path!;
    let earlier = latest.get(path);
    if (!earlier) latest.set(path, (earlier = []));
    let prev: number | undefined;
    if (e.baseRev !== undefined) prev = e.baseRev > 0 ? ctx.writerOf(path, e.baseRev) : undefined;
    else {
      for (const c of earlier)
        if (ctx.before(c, w) && (prev === undefined || ctx.before(prev, c))) prev = c;
    }
    earlier.push(w);
    if (prev === undefined) continue;
    const p = tool(ctx, prev);
    const ownerTask = ctx.taskOf.get(prev);
    if (p.actor === e.actor || ownerTask === undefined) continue;
    const task = ctx.taskOf.get(w);
    if (task === ownerTask) continue;
    if (task !== undefined && ctx.tasks.get(task)?.files?.includes(path)) continue;
    const chain = ctx.clocks.causalChain(prev, w);
    const doing = task !== undefined ? `while working on ${task}` : 'outside any task';
    findings.push({
      checker: 'rewrite',
      severity: 'warning',
      verdict: `${e.actor} rewrote ${path} (${revs(e)}), which ${p.actor} had written for ${ownerTask}, ${doing}`,
      events: [ctx.index.ref(prev), ctx.index.ref(w)],
      ...(chain
        ? { chain: chain.map((i) => ctx.index.ref(i)) }
        : { noChain: `${e.actor}'s write does not causally follow ${p.actor}'s` }),
      details: {
        path,
        author: p.actor,
        authorTask: ownerTask,
        rewriter: e.actor,
        rewriterTask: task,
        revs: { replaced: p.rev, written: e.rev },
      },
    });
  }
  return findings;
}
