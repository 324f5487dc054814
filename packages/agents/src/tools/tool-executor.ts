import type { TracePayload } from '@llm-teams/runtime';
import type { ToolCall } from '../models/index.js';
import type { TaskBoard } from '../shared/task-board.js';
import type { TestRunner, TestRunResult } from '../shared/test-runner.js';
import { pathProblem, type WorkspaceStore } from '../shared/workspace-store.js';
import type { TaskSpec } from '../task-spec.js';
import type { ToolArgs, ToolName } from './tool-schemas.js';

/** What one executed tool call returns to the model. */
export interface ToolResult {
  content: string;
  isError: boolean;
}

/** What the agent's statechart needs to know after a tool call. */
export interface ToolEffects {
  /** A task was completed on the board by this call. */
  completed?: string;
  /** Someone else completed this task first (a backup race lost, or a stale assignment). */
  lostTo?: string;
  /** A task was claimed by this call (self-claiming teams). */
  claimed?: string;
  /** A compare-and-set was refused (write, claim or completion). */
  conflict?: boolean;
  /** Model-time the tool took (real time of the work: tests, KV round trips). */
  durationMs: number;
  testRun?: TestRunResult & { taskId: string };
}

/** Per-task state the executor keeps between calls (part of the agent's context). */
export interface ToolSession {
  taskId: string | undefined;
  /** Revision of each path this agent last read or wrote. */
  revs: Record<string, number>;
  /** Passed test run with no write since: completion is allowed. */
  testsPassedFor: string | undefined;
  /** The agent's model clock when the call started (stamped on board entries). */
  modelNow: number;
  /** A backup copy's private files (path -> content). Its writes stay here, seen by its own
   *  reads and test runs, until it wins the task: then they are written to the workspace. So
   *  a backup never overwrites the owner's work in progress, and a losing copy leaves no
   *  trace in the workspace. Absent for an owner. */
  overlay?: Record<string, string>;
}

export interface ToolExecutorOptions {
  agentId: string;
  tasks: ReadonlyMap<string, TaskSpec>;
  workspace: WorkspaceStore;
  board: TaskBoard;
  runner: TestRunner;
  /** Sends a teammate message (`to` an agent id or `all`); returns an error text or undefined. */
  message(to: string, text: string, taskId: string | undefined): string | undefined;
  /** Records trace events in the agent's lane. */
  record(payload: TracePayload): void;
  /** Claims by compare-and-set on the board (self-claiming teams). Returns an error or the
   *  claimed task. */
  claim?(taskId: string): Promise<{ ok: true } | { ok: false; reason: string }>;
  /** Completes the task on the board; refused when already done by someone else. */
  complete(
    taskId: string,
    session: ToolSession,
  ): Promise<{ ok: true } | { ok: false; reason: string }>;
  now(): number;
}

export interface ToolExecutor {
  execute(
    call: ToolCall,
    session: ToolSession,
  ): Promise<{ result: ToolResult; effects: ToolEffects }>;
}

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

function summarize(args: unknown): string {
  const text = JSON.stringify(args, (k, v: unknown) =>
    k === 'content' && typeof v === 'string' ? `<${v.length} chars>` : v,
  );
  return text.length > 200 ? text.slice(0, 200) + '…' : text;
}

/**
 * Executes validated tool calls against the shared state, for one agent. Every call is a
 * `tool` trace event; writes carry `path`, `baseRev` and `rev` (absent when refused).
 */
export function createToolExecutor(options: ToolExecutorOptions): ToolExecutor {
  const { workspace, runner, tasks } = options;

  /** Writes a winning backup copy's files over whatever the workspace holds. */
  async function publishOverlay(s: ToolSession): Promise<void> {
    for (const [path, content] of Object.entries(s.overlay ?? {})) {
      for (let attempt = 1; ; attempt++) {
        const cur = await workspace.read(path);
        const base = cur?.rev ?? 0;
        const out = await workspace.write(path, content, base, options.agentId);
        if (out.ok) {
          s.revs[path] = out.rev;
          options.record({
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

  /** After a refused write: has another copy already completed this task? Then this one
   *  has lost the race and stops, rather than write over the winner's files. */
  async function lostRace(s: ToolSession): Promise<{ lostTo?: string }> {
    if (s.taskId === undefined) return {};
    const cur = await options.board.get(s.taskId).catch(() => undefined);
    return cur?.entry.status === 'done' && cur.entry.owner !== options.agentId
      ? { lostTo: s.taskId }
      : {};
  }

  async function run(
    name: ToolName,
    args: unknown,
    s: ToolSession,
  ): Promise<{
    result: ToolResult;
    effects: Omit<ToolEffects, 'durationMs'>;
    trace: Record<string, unknown>;
  }> {
    switch (name) {
      case 'read_file': {
        const { path } = args as ToolArgs<'read_file'>;
        const problem = pathProblem(path);
        if (problem)
          return {
            result: { content: json({ error: problem }), isError: true },
            effects: {},
            trace: { outcome: 'invalid' },
          };
        const own = s.overlay?.[path];
        if (own !== undefined) {
          const rev = s.revs[path] ?? 0;
          return {
            result: {
              content: json({ ok: true, path, rev, author: options.agentId, content: own }),
              isError: false,
            },
            effects: {},
            trace: { outcome: 'ok', path, private: true },
          };
        }
        const file = await workspace.read(path);
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
            effects: {},
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
          effects: {},
          trace: { outcome: 'ok', path, rev: file.rev, kvRead: `files/${path}@${file.rev}` },
        };
      }
      case 'write_file': {
        const { path, content, baseRev } = args as ToolArgs<'write_file'>;
        const problem = pathProblem(path);
        if (problem)
          return {
            result: { content: json({ ok: false, error: problem }), isError: true },
            effects: {},
            trace: { outcome: 'invalid' },
          };
        if (s.overlay) {
          // A private copy cannot conflict: the workspace revision it builds on stays the one
          // it last read, and the write goes to the workspace only if this copy wins.
          s.overlay[path] = content;
          s.testsPassedFor = undefined;
          const rev = s.revs[path] ?? 0;
          return {
            result: { content: json({ ok: true, path, rev }), isError: false },
            effects: {},
            trace: { outcome: 'ok', path, private: true, bytes: content.length },
          };
        }
        const base = baseRev ?? s.revs[path] ?? 0;
        const out = await workspace.write(path, content, base, options.agentId);
        if (out.ok) {
          s.revs[path] = out.rev;
          s.testsPassedFor = undefined;
          return {
            result: { content: json({ ok: true, path, rev: out.rev }), isError: false },
            effects: {},
            trace: {
              outcome: 'ok',
              ...writeTrace(path, base, out.rev, content.length),
            },
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
          effects: { conflict: true, ...(await lostRace(s)) },
          trace: {
            outcome: 'conflict',
            path,
            baseRev: base,
            currentRev: out.currentRev,
            ...(out.currentAuthor ? { currentAuthor: out.currentAuthor } : {}),
          },
        };
      }
      case 'run_tests': {
        const { taskId } = args as ToolArgs<'run_tests'>;
        const task = tasks.get(taskId);
        if (!task)
          return {
            result: {
              content: json({
                error: `no task ${taskId}; tasks are ${[...tasks.keys()].join(', ')}`,
              }),
              isError: true,
            },
            effects: {},
            trace: { outcome: 'invalid', taskId },
          };
        // Only the files the tests can reach: the task's and its dependencies' (transitively).
        const reachable = reachableFiles(taskId, tasks);
        const files = (await workspace.list()).filter((f) => reachable.has(f.path));
        const contents: Record<string, string> = Object.fromEntries(
          files.map((f) => [f.path, f.content]),
        );
        const own = Object.keys(s.overlay ?? {}).filter((p) => reachable.has(p));
        for (const p of own) contents[p] = s.overlay![p]!;
        const testRun = await runner.run(task, contents);
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
      }
      case 'claim_task': {
        const { taskId } = args as ToolArgs<'claim_task'>;
        if (!options.claim)
          return {
            result: {
              content: json({
                ok: false,
                error: 'tasks are assigned by the coordinator in this team',
              }),
              isError: true,
            },
            effects: {},
            trace: { outcome: 'invalid', taskId },
          };
        const out = await options.claim(taskId);
        return out.ok
          ? {
              result: { content: json({ ok: true, taskId }), isError: false },
              effects: { claimed: taskId },
              trace: { outcome: 'ok', taskId },
            }
          : {
              result: {
                content: json({ ok: false, refused: true, taskId, error: out.reason }),
                isError: false,
              },
              effects: { conflict: true },
              trace: { outcome: 'refused', taskId, reason: out.reason },
            };
      }
      case 'complete_task': {
        const { taskId } = args as ToolArgs<'complete_task'>;
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
            effects: {},
            trace: { outcome: 'refused', taskId, reason: 'tests not passed' },
          };
        }
        const out = await options.complete(taskId, s);
        // The race is won on the board first; only the winner's private files are published.
        if (out.ok && s.overlay) await publishOverlay(s);
        const lost = !out.ok && /already done/.test(out.reason) ? { lostTo: taskId } : {};
        return out.ok
          ? {
              result: { content: json({ ok: true, taskId }), isError: false },
              effects: { completed: taskId },
              trace: { outcome: 'ok', taskId },
            }
          : {
              result: {
                content: json({ ok: false, refused: true, taskId, error: out.reason }),
                isError: false,
              },
              effects: { conflict: true, ...lost },
              trace: { outcome: 'refused', taskId, reason: out.reason },
            };
      }
      case 'send_message': {
        const { to, text } = args as ToolArgs<'send_message'>;
        const error = options.message(to, text, s.taskId);
        return error
          ? {
              result: { content: json({ ok: false, error }), isError: true },
              effects: {},
              trace: { outcome: 'invalid', to },
            }
          : {
              result: { content: json({ ok: true, to }), isError: false },
              effects: {},
              trace: { outcome: 'ok', to },
            };
      }
    }
  }

  return {
    async execute(call, session) {
      const started = options.now();
      const name = call.name as ToolName;
      let outcome: Awaited<ReturnType<typeof run>>;
      try {
        outcome = await run(name, call.arguments, session);
      } catch (err) {
        // An infrastructure failure (KV unavailable, runner crash) is the model's tool error,
        // visible and traced, not a crash of the agent.
        const message = err instanceof Error ? err.message : String(err);
        outcome = {
          result: { content: json({ ok: false, error: `tool failed: ${message}` }), isError: true },
          effects: {},
          trace: { outcome: 'error', error: message },
        };
      }
      // Waiting for a free test runner is contention of this machine, not the task's work.
      const testRun = outcome.effects.testRun;
      // A cached test run took no time now, but the work it stands for did.
      const durationMs = Math.max(
        0,
        options.now() -
          started -
          (testRun?.queuedMs ?? 0) +
          (testRun?.cached ? testRun.durationMs : 0),
      );
      options.record({
        kind: 'tool',
        name,
        args: summarize(call.arguments),
        ...(session.taskId !== undefined ? { taskId: session.taskId } : {}),
        modelTime: session.modelNow + durationMs,
        ...outcome.trace,
        outcome: typeof outcome.trace['outcome'] === 'string' ? outcome.trace['outcome'] : 'ok',
      });
      return { result: outcome.result, effects: { ...outcome.effects, durationMs } };
    },
  };
}
