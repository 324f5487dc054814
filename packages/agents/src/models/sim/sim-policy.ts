/**
 * What a simulated model does next, decided from the request like a policy: the turn's purpose
 * and task, and its own earlier tool calls with their results. It acts only through the tools
 * the request offers, the way a real model would.
 */
import type { Random } from '@llm-teams/runtime';
import type { TaskSpec } from '../../task-spec.js';
import { ModelError } from '../model-error.js';
import type { ModelPurpose, ModelRequest } from '../model-types.js';
import type { SimOracle } from './sim-options.js';
import {
  lastUserIndex,
  readContent,
  succeeded,
  testsPassed,
  toolTimeline,
  type ToolEvent,
} from './sim-conversation.js';

export interface SimToolCall {
  name: string;
  args: Record<string, unknown>;
}

/** `code` replies write files: they draw from the slow, long part of the calibrated
 *  distribution; everything else is a short coordination reply. */
export type SimStratum = 'code' | 'coordinate';

export interface SimAction {
  stratum: SimStratum;
  text: string;
  calls: SimToolCall[];
  /** The task whose weight scales a coding reply. */
  task?: TaskSpec;
}

export interface PolicyContext {
  request: ModelRequest;
  purpose: ModelPurpose;
  oracle: SimOracle | undefined;
  model: string;
  /** Draws whether a fresh version of the files is wrong (called at most once per reply). */
  mistake: (task: TaskSpec, failedRuns: number) => boolean;
  /** A wrong version of the task's files (path -> content; called at most once per reply). */
  brokenVersion: (task: TaskSpec) => Record<string, string>;
  /** Whether a reviewer approves, given whether the version is right (its error rates). */
  approves: (right: boolean) => boolean;
  announce: boolean;
}

/** A task's tool calls beyond this end the turn: a safety net against result texts the sim
 *  cannot read, not a behaviour anyone should rely on. */
const MAX_TASK_EVENTS = 60;

function text(stratum: SimStratum, message: string): SimAction {
  return { stratum, text: message, calls: [] };
}

export function purposeOf(request: ModelRequest): ModelPurpose {
  return (
    request.metadata?.purpose ?? (request.metadata?.taskId === undefined ? 'coordinate' : 'code')
  );
}

export function decide(ctx: PolicyContext): SimAction {
  const { request } = ctx;
  const offered = new Set(request.tools.map((t) => t.name));
  const events = toolTimeline(request.messages);
  const turnStart = lastUserIndex(request.messages);
  const thisTurn = events.filter((e) => e.at > turnStart);

  if (ctx.purpose === 'review') {
    const taskId = request.metadata?.taskId;
    if (taskId === undefined) return text('coordinate', 'Nothing to review.');
    return review(ctx, needTask(ctx, taskId), thisTurn, offered);
  }
  const claimed = [...thisTurn]
    .reverse()
    .find((e) => e.name === 'claim_task' && succeeded(e.result));
  const metaTask = request.metadata?.taskId;
  const instructions = request.messages[turnStart]?.content ?? '';
  // Like a real model, it claims when told to and the tool is there.
  const toldToClaim = offered.has('claim_task') && /\bclaim/i.test(instructions);
  if (ctx.purpose === 'coordinate') {
    if (metaTask === undefined) return claimOrReply(ctx, thisTurn, offered, claimed);
    return toldToClaim
      ? claimOrReply(ctx, thisTurn, offered, claimed, [metaTask])
      : text('coordinate', `Acknowledged: ${metaTask}.`);
  }
  // A coding turn with no task assigned starts by claiming one (self-claiming teams).
  const taskId = metaTask ?? stringArg(claimed, 'taskId');
  if (taskId === undefined) return claimOrReply(ctx, thisTurn, offered, undefined);
  const task = needTask(ctx, taskId);
  const holds = events.some(
    (e) => e.name === 'claim_task' && stringArg(e, 'taskId') === taskId && succeeded(e.result),
  );
  if (toldToClaim && !holds) {
    const refusal = thisTurn.find(
      (e) => e.name === 'claim_task' && stringArg(e, 'taskId') === taskId,
    );
    if (refusal !== undefined) {
      return {
        ...text(
          'coordinate',
          `Could not claim ${taskId}: ${(refusal.result?.content ?? '').slice(0, 200)}`,
        ),
        task,
      };
    }
    return {
      stratum: 'coordinate',
      text: `Claiming ${taskId}.`,
      calls: [{ name: 'claim_task', args: { taskId } }],
      task,
    };
  }
  return code(ctx, task, events, offered);
}

function needTask(ctx: PolicyContext, taskId: string): TaskSpec {
  if (ctx.oracle === undefined) {
    throw new ModelError(
      'MISSING_ORACLE',
      `${ctx.model} was asked to work on task ${taskId} but has no oracle (options.sim.oracle) to know its solution`,
    );
  }
  const task = ctx.oracle.task(taskId);
  if (task === undefined) {
    throw new ModelError(
      'MISSING_ORACLE',
      `${ctx.model}: the oracle does not know task "${taskId}"`,
    );
  }
  return task;
}

function stringArg(event: ToolEvent | undefined, key: string): string | undefined {
  const value = event?.args[key];
  return typeof value === 'string' ? value : undefined;
}

/** Claims the first task the instructions name (or the `only` ones) that it has not been
 *  refused this turn. */
function claimOrReply(
  ctx: PolicyContext,
  thisTurn: ToolEvent[],
  offered: Set<string>,
  claimed: ToolEvent | undefined,
  only?: string[],
): SimAction {
  if (claimed !== undefined) return text('coordinate', `Claimed ${stringArg(claimed, 'taskId')}.`);
  const instructions = ctx.request.messages[lastUserIndex(ctx.request.messages)];
  if (!offered.has('claim_task') || ctx.oracle === undefined || instructions === undefined) {
    return text('coordinate', 'OK.');
  }
  const tried = new Set(
    thisTurn.filter((e) => e.name === 'claim_task').map((e) => stringArg(e, 'taskId')),
  );
  const oracle = ctx.oracle;
  const named = only ?? instructions.content.match(/[A-Za-z0-9_-]+/g) ?? [];
  const candidates = [...new Set(named)].filter(
    (token) => oracle.task(token) !== undefined && !tried.has(token),
  );
  const next = candidates[0];
  if (next === undefined) return text('coordinate', 'No task I can claim right now.');
  return {
    stratum: 'coordinate',
    text: `Claiming ${next}.`,
    calls: [{ name: 'claim_task', args: { taskId: next } }],
  };
}

/**
 * Reads each file of the task and runs its tests, as the review briefing asks; then gives a
 * verdict that is right except at the reviewer's error rates (`approves`).
 */
function review(
  ctx: PolicyContext,
  task: TaskSpec,
  thisTurn: ToolEvent[],
  offered: Set<string>,
): SimAction {
  const reads = new Map<string, string | undefined>();
  for (const e of thisTurn) {
    const path = stringArg(e, 'path');
    if (e.name === 'read_file' && path !== undefined) reads.set(path, readContent(e.result));
  }
  const unread = task.files.filter((p) => !reads.has(p));
  if (unread.length > 0 && offered.has('read_file')) {
    return {
      stratum: 'coordinate',
      text: `Reviewing ${task.id}.`,
      calls: unread.map((path) => ({ name: 'read_file', args: { path } })),
      task,
    };
  }
  const tested = thisTurn.some((e) => e.name === 'run_tests');
  if (!tested && offered.has('run_tests')) {
    return {
      stratum: 'coordinate',
      text: `Testing ${task.id}.`,
      calls: [{ name: 'run_tests', args: { taskId: task.id } }],
      task,
    };
  }
  const wrong = task.files.filter((p) => {
    const seen = reads.get(p);
    return seen === undefined || seen.trimEnd() !== (task.reference[p] ?? '').trimEnd();
  });
  const approve = ctx.approves(wrong.length === 0);
  if (approve) return text('coordinate', `APPROVE: ${task.id} meets its specification.`);
  const blamed = wrong.length > 0 ? wrong : task.files.slice(0, 1);
  return text(
    'coordinate',
    `REJECT: ${task.id}: ${blamed.join(', ')} ${blamed.length === 1 ? 'does' : 'do'} not meet the specification.`,
  );
}

interface TaskState {
  written: Set<string>;
  /** Paths whose write was refused and not read since (the agent must learn the revision). */
  refused: Set<string>;
  /** A write of the current version differs from the reference. */
  versionBroken: boolean;
  lastTest: 'pass' | 'fail' | undefined;
  failedRuns: number;
  completion: 'ok' | 'refused' | undefined;
  completionRefusals: number;
  lastRefusal: string;
  announced: boolean;
  events: number;
}

function taskState(task: TaskSpec, events: ToolEvent[]): TaskState {
  const s: TaskState = {
    written: new Set(),
    refused: new Set(),
    versionBroken: false,
    lastTest: undefined,
    failedRuns: 0,
    completion: undefined,
    completionRefusals: 0,
    lastRefusal: '',
    announced: false,
    events: 0,
  };
  for (const e of events) {
    const path = stringArg(e, 'path');
    const forTask = stringArg(e, 'taskId') === task.id;
    if (
      (e.name === 'write_file' || e.name === 'read_file') &&
      path !== undefined &&
      task.files.includes(path)
    ) {
      s.events++;
      if (e.name === 'read_file') s.refused.delete(path);
      else if (succeeded(e.result)) {
        s.written.add(path);
        s.refused.delete(path);
        if (e.args['content'] !== task.reference[path]) s.versionBroken = true;
        s.lastTest = undefined;
        s.completion = undefined;
      } else {
        s.written.delete(path);
        s.refused.add(path);
      }
    } else if (e.name === 'run_tests' && forTask) {
      s.events++;
      s.lastTest = testsPassed(e.result) ? 'pass' : 'fail';
      if (s.lastTest === 'fail') {
        s.failedRuns++;
        s.written.clear();
        s.versionBroken = false;
      }
    } else if (e.name === 'complete_task' && forTask) {
      s.events++;
      s.completion = succeeded(e.result) ? 'ok' : 'refused';
      if (s.completion === 'refused') {
        s.completionRefusals++;
        s.lastRefusal = e.result?.content ?? '';
        s.lastTest = undefined;
      }
    } else if (e.name === 'send_message' && s.completion === 'ok') {
      s.announced = true;
    }
  }
  return s;
}

/** Write the files (wrong with the calibrated probability), test, fix, complete, announce. */
function code(
  ctx: PolicyContext,
  task: TaskSpec,
  events: ToolEvent[],
  offered: Set<string>,
): SimAction {
  const s = taskState(task, events);
  const done = (why: string) => ({ ...text('coordinate', why), task });
  if (s.completion === 'ok') {
    if (ctx.announce && !s.announced && offered.has('send_message')) {
      return {
        stratum: 'coordinate',
        text: `Done with ${task.id}.`,
        calls: [
          {
            name: 'send_message',
            args: { to: 'all', text: `Done: ${task.id} (${task.files.join(', ')}).` },
          },
        ],
        task,
      };
    }
    return done(`Task ${task.id} is complete.`);
  }
  if (s.events >= MAX_TASK_EVENTS) return done(`Giving up on ${task.id} after ${s.events} steps.`);
  if (s.completionRefusals >= 2)
    return done(`Could not complete ${task.id}: ${s.lastRefusal.slice(0, 200)}`);
  if (s.refused.size > 0 && offered.has('read_file')) {
    return {
      stratum: 'coordinate',
      text: 'My write was refused; reading the current version.',
      calls: [...s.refused].map((path) => ({ name: 'read_file', args: { path } })),
      task,
    };
  }
  const missing = task.files.filter((p) => !s.written.has(p));
  if (missing.length > 0) {
    if (!offered.has('write_file')) return done(`I cannot write files in this turn.`);
    const fresh = s.written.size === 0 && !s.versionBroken;
    const wrong = fresh ? ctx.mistake(task, s.failedRuns) : s.versionBroken;
    const version = wrong ? ctx.brokenVersion(task) : task.reference;
    return {
      stratum: 'code',
      text: s.failedRuns > 0 ? `Fixing ${task.id}.` : `Writing ${task.id}.`,
      calls: missing.map((path) => ({
        name: 'write_file',
        args: { path, content: version[path] ?? task.reference[path] ?? '' },
      })),
      task,
    };
  }
  if (s.lastTest === undefined) {
    if (!offered.has('run_tests')) return done(`Wrote ${task.id}; I cannot run its tests here.`);
    return {
      stratum: 'coordinate',
      text: `Testing ${task.id}.`,
      calls: [{ name: 'run_tests', args: { taskId: task.id } }],
      task,
    };
  }
  if (!offered.has('complete_task')) return done(`${task.id} passes its tests.`);
  return {
    stratum: 'coordinate',
    text: `${task.id} passes; completing it.`,
    calls: [
      {
        name: 'complete_task',
        args: { taskId: task.id, summary: `Implemented ${task.files.join(', ')}.` },
      },
    ],
    task,
  };
}

/**
 * A wrong version of a task's files: one of its catalogued mistakes (`TaskSpec.mistakes`,
 * plausible bugs that fail its tests), the rest of the files the reference; without a catalog,
 * `fallback` breaks every file. With `path`, a version that breaks that file.
 */
export function brokenVersion(
  task: TaskSpec,
  random: Random,
  fallback: (path: string) => string,
  path?: string,
): Record<string, string> {
  const fitting = (task.mistakes ?? []).filter((m) => path === undefined || path in m.files);
  if (fitting.length > 0) {
    const pick = fitting[random.int(fitting.length)]!;
    return { ...task.reference, ...pick.files };
  }
  return Object.fromEntries(task.files.map((p) => [p, fallback(p)]));
}

/** The mistake of a task without a catalog: the reference, plus a line that throws when the
 *  module loads. */
export function defaultBrokenSolution(
  task: TaskSpec,
  path: string,
  model: string,
  random: Random,
): string {
  const id = random.int(1_000_000);
  return `${task.reference[path] ?? ''}\nthrow new Error(${JSON.stringify(`simulated mistake #${id} by ${model} in ${path}`)});\n`;
}
