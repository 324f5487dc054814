import { teamToolDefinitions } from '../models/team-tools.js';
import { describeRefusal, type BoardRefusal } from '../team-state/task-board.js';
import { pathProblem } from '../team-state/workspace-store.js';
import type { TaskSpec } from '../task-spec.js';
import type { ToolArgs, ToolName } from './tool-schemas.js';
import type {
  AnyToolHandler,
  ToolContext,
  ToolHandler,
  ToolRun,
  ToolSession,
} from './tool-handler.js';

/** A team tool's behaviour; its definition comes from `toolSchemas`. */
type Behaviour<A> = Omit<ToolHandler<A>, 'definition'>;

const json = (value: unknown) => JSON.stringify(value);

/** Workspace paths a task's tests can import: its files and its dependencies', transitively. */
function reachableFiles(taskId: string, tasks: ReadonlyMap<string, TaskSpec>): Set<string> {
  const out = new Set<string>();
  const seen = new Set<string>();
  const visit = (id: string) => {
    if (seen.has(id)) return;
    seen.add(id);
    const t = tasks.get(id);
    if (!t) return;
    for (const f of t.files) out.add(f);
    for (const d of t.deps) visit(d);
  };
  visit(taskId);
  return out;
}

/** Trace fields of a workspace write that replaced revision `base` with `rev`. */
function writeTrace(path: string, base: number, rev: number, bytes: number) {
  return {
    path,
    baseRev: base,
    rev,
    bytes,
    kvWrite: `files/${path}@${rev}`,
    ...(base > 0 ? { kvRead: `files/${path}@${base}` } : {}),
  };
}

const invalid = (error: string, trace: Record<string, unknown> = {}): ToolRun => ({
  result: { content: json({ ok: false, error }), isError: true },
  trace: { outcome: 'invalid', ...trace },
});

/** A board step the board took: the model is told ok, the run counts `effects`. */
const boardTook = (taskId: string, effects: ToolRun['effects']): ToolRun => ({
  result: { content: json({ ok: true, taskId }), isError: false },
  effects,
  trace: { outcome: 'ok', taskId },
});

/** A board step the board refused (another agent won the race): not a tool error, a
 *  conflict the model is told of in words. */
const boardRefused = (
  taskId: string,
  refusal: BoardRefusal,
  effects: ToolRun['effects'] = {},
): ToolRun => {
  const reason = describeRefusal(taskId, refusal);
  return {
    result: {
      content: json({ ok: false, refused: true, taskId, error: reason }),
      isError: false,
    },
    effects: { conflict: true, ...effects },
    trace: { outcome: 'refused', taskId, reason, refusal: refusal.code },
  };
};

/** Writes a winning backup copy's files over whatever the workspace holds. */
async function publishOverlay(ctx: ToolContext, s: ToolSession): Promise<void> {
  for (const [path, content] of Object.entries(s.overlay ?? {})) {
    for (let attempt = 1; ; attempt++) {
      const cur = await ctx.workspace.read(path);
      const base = cur?.rev ?? 0;
      const out = await ctx.workspace.write(path, content, base, ctx.agentId);
      if (out.ok) {
        s.revs[path] = out.rev;
        ctx.record({
          kind: 'tool',
          name: 'write_file',
          ...(s.taskId !== undefined ? { taskId: s.taskId } : {}),
          outcome: 'ok',
          published: true,
          ...writeTrace(path, base, out.rev, content.length),
        });
        break;
      }
      // The loser may still be writing until its cancellation arrives: read again.
      if (attempt >= 5) throw new Error(`could not publish ${path}: ${out.reason}`);
    }
  }
  s.overlay = {};
}

/** After a refused write: has another copy already completed this task? Then this one has
 *  lost the race and stops, rather than write over the winner's files. */
async function lostRace(ctx: ToolContext, s: ToolSession): Promise<{ lostTo?: string }> {
  if (s.taskId === undefined || !ctx.board) return {};
  const cur = await ctx.board.get(s.taskId).catch(() => undefined);
  return cur?.entry.status === 'done' && cur.entry.owner !== ctx.agentId
    ? { lostTo: s.taskId }
    : {};
}

const readFile: Behaviour<ToolArgs<'read_file'>> = {
  async run({ path }, ctx) {
    const s = ctx.session;
    const problem = pathProblem(path);
    if (problem)
      return {
        result: { content: json({ error: problem }), isError: true },
        trace: { outcome: 'invalid' },
      };
    const own = s.overlay?.[path];
    if (own !== undefined) {
      const rev = s.revs[path] ?? 0;
      return {
        result: {
          content: json({ ok: true, path, rev, author: ctx.agentId, content: own }),
          isError: false,
        },
        trace: { outcome: 'ok', path, private: true },
      };
    }
    const file = await ctx.workspace.read(path);
    if (!file) {
      s.revs[path] = 0;
      return {
        result: {
          content: json({
            ok: false,
            path,
            error: `${path} does not exist yet (revision 0)`,
            rev: 0,
          }),
          isError: false,
        },
        trace: { outcome: 'missing', path, rev: 0 },
      };
    }
    s.revs[path] = file.rev;
    return {
      result: {
        content: json({
          ok: true,
          path,
          rev: file.rev,
          author: file.author,
          content: file.content,
        }),
        isError: false,
      },
      trace: { outcome: 'ok', path, rev: file.rev, kvRead: `files/${path}@${file.rev}` },
    };
  },
};

const writeFile: Behaviour<ToolArgs<'write_file'>> = {
  async run({ path, content, baseRev }, ctx) {
    const s = ctx.session;
    const problem = pathProblem(path);
    if (problem) return invalid(problem);
    if (s.overlay) {
      // A private copy cannot conflict: the workspace revision it builds on stays the one it
      // last read, and the write goes to the workspace only if this copy wins.
      s.overlay[path] = content;
      s.testsPassedFor = undefined;
      const rev = s.revs[path] ?? 0;
      return {
        result: { content: json({ ok: true, path, rev }), isError: false },
        trace: { outcome: 'ok', path, private: true, bytes: content.length },
      };
    }
    const base = baseRev ?? s.revs[path] ?? 0;
    const out = await ctx.workspace.write(path, content, base, ctx.agentId);
    if (out.ok) {
      s.revs[path] = out.rev;
      s.testsPassedFor = undefined;
      return {
        result: { content: json({ ok: true, path, rev: out.rev }), isError: false },
        trace: { outcome: 'ok', ...writeTrace(path, base, out.rev, content.length) },
      };
    }
    return {
      result: {
        content: json({
          ok: false,
          conflict: true,
          path,
          currentRev: out.currentRev,
          error: out.reason,
        }),
        isError: false,
      },
      effects: { conflict: true, ...(await lostRace(ctx, s)) },
      trace: {
        outcome: 'conflict',
        path,
        baseRev: base,
        currentRev: out.currentRev,
        ...(out.currentAuthor ? { currentAuthor: out.currentAuthor } : {}),
      },
    };
  },
};

const runTests: Behaviour<ToolArgs<'run_tests'>> = {
  async run({ taskId }, ctx) {
    const s = ctx.session;
    const task = ctx.tasks.get(taskId);
    if (!task || !ctx.runner)
      return {
        result: {
          content: json({
            error: `no task ${taskId}; tasks are ${[...ctx.tasks.keys()].join(', ')}`,
          }),
          isError: true,
        },
        trace: { outcome: 'invalid', taskId },
      };
    // Only the files the tests can reach: the task's and its dependencies' (transitively).
    const reachable = reachableFiles(taskId, ctx.tasks);
    const files = (await ctx.workspace.list()).filter((f) => reachable.has(f.path));
    const contents: Record<string, string> = Object.fromEntries(
      files.map((f) => [f.path, f.content]),
    );
    const own = Object.keys(s.overlay ?? {}).filter((p) => reachable.has(p));
    for (const p of own) contents[p] = s.overlay![p]!;
    const testRun = await ctx.runner.run(task, contents);
    s.testsPassedFor = testRun.passed ? taskId : undefined;
    return {
      result: {
        content: json({
          passed: testRun.passed,
          taskId,
          durationMs: testRun.durationMs,
          timedOut: testRun.timedOut,
          output: testRun.output,
        }),
        isError: false,
      },
      effects: { testRun: { ...testRun, taskId } },
      trace: {
        outcome: testRun.passed ? 'pass' : 'fail',
        taskId,
        testMs: testRun.durationMs,
        ...(testRun.cached ? { cached: true } : {}),
        revs: Object.fromEntries(
          files.filter((f) => !own.includes(f.path)).map((f) => [f.path, f.rev]),
        ),
        ...(own.length > 0 ? { private: own } : {}),
      },
    };
  },
};

const claimTask: Behaviour<ToolArgs<'claim_task'>> = {
  async run({ taskId }, ctx) {
    if (!ctx.claim)
      return invalid('tasks are assigned by the coordinator in this team', { taskId });
    const out = await ctx.claim(taskId);
    return out.ok ? boardTook(taskId, { claimed: taskId }) : boardRefused(taskId, out.refusal);
  },
};

const completeTask: Behaviour<ToolArgs<'complete_task'>> = {
  async run({ taskId }, ctx) {
    const s = ctx.session;
    if (s.testsPassedFor !== taskId) {
      return {
        result: {
          content: json({
            ok: false,
            refused: true,
            error: `run ${taskId}'s tests and make them pass first (no passing run since your last write)`,
          }),
          isError: false,
        },
        trace: { outcome: 'refused', taskId, reason: 'tests not passed' },
      };
    }
    if (!ctx.complete) return invalid('there is no task board in this team', { taskId });
    const out = await ctx.complete(taskId, s);
    // The race is won on the board first; only the winner's private files are published.
    if (out.ok && s.overlay) await publishOverlay(ctx, s);
    if (out.ok) return boardTook(taskId, { completed: taskId });
    return boardRefused(
      taskId,
      out.refusal,
      out.refusal.code === 'already-done' ? { lostTo: taskId } : {},
    );
  },
};

const sendMessage: Behaviour<ToolArgs<'send_message'>> = {
  run({ to, text }, ctx) {
    const error = ctx.message(to, text, ctx.session.taskId);
    return Promise.resolve(
      error
        ? {
            result: { content: json({ ok: false, error }), isError: true },
            trace: { outcome: 'invalid', to },
          }
        : {
            result: { content: json({ ok: true, to }), isError: false },
            trace: { outcome: 'ok', to },
          },
    );
  },
};

const handlers: { [N in ToolName]: Behaviour<ToolArgs<N>> } = {
  read_file: readFile,
  write_file: writeFile,
  run_tests: runTests,
  claim_task: claimTask,
  complete_task: completeTask,
  send_message: sendMessage,
};

/** The team tools as handlers: the shared workspace, the tests, the task board, messages.
 *  Their arguments are validated by the model layer against `toolSchemas` already. */
export function builtinTools(names?: readonly ToolName[]): AnyToolHandler[] {
  return teamToolDefinitions(names).map((definition) => ({
    ...(handlers[definition.name as ToolName] as AnyToolHandler),
    definition,
  }));
}
