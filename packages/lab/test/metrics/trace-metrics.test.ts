import { describe, expect, it } from 'vitest';
import { createTraceBuilder, type TraceBuilder } from '@llm-teams/runtime';
import { countDuplicateClaims, measureTrace, taskSpans } from '@llm-teams/lab';

const TASKS = [
  { id: 't1', deps: [], files: ['src/t1.js'] },
  { id: 't2', deps: [], files: ['src/t2.js'] },
  { id: 't3', deps: ['t1', 't2'], files: ['src/t3.js'] },
];

function llm(t: TraceBuilder, actor: string, taskId: string, input: number, output: number) {
  t.emit(actor, {
    kind: 'llm',
    model: 'sim:test',
    inputTokens: input,
    outputTokens: output,
    latencyMs: 1000,
    attempt: 1,
    outcome: 'ok',
    taskId,
  });
}

/** Worker `actor` does `taskId` from model time `from` to `to`, writing its file. */
function work(
  t: TraceBuilder,
  actor: string,
  taskId: string,
  from: number,
  to: number,
  tests: ('pass' | 'fail')[] = ['pass'],
) {
  t.task(actor, taskId, 'claim', { modelTime: from });
  t.task(actor, taskId, 'start', { modelTime: from });
  llm(t, actor, taskId, 1000, 200);
  t.tool(actor, 'write_file', {
    path: `src/${taskId}.js`,
    baseRev: 0,
    rev: 1,
    taskId,
    modelTime: from + 1,
  });
  for (const outcome of tests) t.tool(actor, 'run_tests', { taskId, outcome, modelTime: from + 2 });
  t.task(actor, taskId, 'done', { modelTime: to });
}

/** A centralized run: t1 (a1, 0-100), t2 (a2, 0-300, one failed test run), t3 (a1, 300-350). */
function centralizedRun(): TraceBuilder {
  const t = createTraceBuilder();
  t.mark('director', 'run.start', { arch: 'centralized', agents: 3, p: 1 / 3, tasks: TASKS });
  const a1 = t.send('coord', 'a1', 'task.assign');
  const a2 = t.send('coord', 'a2', 'task.assign');
  t.recv('a1', a1);
  t.recv('a2', a2);
  work(t, 'a1', 't1', 0, 100);
  work(t, 'a2', 't2', 0, 300, ['fail', 'pass']);
  t.recv('coord', t.send('a1', 'coord', 'task.done'));
  t.recv('coord', t.send('a2', 'coord', 'task.done'));
  const a3 = t.send('coord', 'a1', 'task.assign');
  t.recv('a1', a3);
  work(t, 'a1', 't3', 300, 350);
  t.recv('coord', t.send('a1', 'coord', 'task.done'));
  t.mark('director', 'run.end', { status: 'completed' });
  return t;
}

describe('measureTrace', () => {
  it('measures makespan, work, span, idle time and the straggler gap in model time', () => {
    const m = measureTrace(centralizedRun().events);
    expect(m.makespanModelMs).toBe(350);
    expect(m.workModelMs).toBe(100 + 300 + 50);
    expect(m.taskModelMs).toEqual({ t1: 100, t2: 300, t3: 50 });
    expect(m.criticalPathModelMs).toBe(350);
    expect(m.tasks).toEqual({ declared: 3, done: 3 });
    expect(m.dag).toMatchObject({ tasks: 3, criticalPathTasks: 2 });
    expect(m.dag.p).toBeCloseTo(1 / 3);
    // a1 busy 150, a2 busy 300, a third agent (never traced) idle the whole run.
    expect(m.agents.map((a) => [a.id, a.busyModelMs, a.idleModelMs])).toEqual([
      ['a1', 150, 200],
      ['a2', 300, 50],
      ['(idle 1)', 0, 350],
    ]);
    expect(m.idleFraction).toBeCloseTo((200 + 50 + 350) / 3 / 350);
    // Next-to-last finish is a2 at 300; the run ends at 350.
    expect(m.stragglerGapModelMs).toBe(50);
    expect(m.stragglerGapFraction).toBeCloseTo(50 / 350);
  });

  it('counts tokens, messages by type, failed test runs', () => {
    const m = measureTrace(centralizedRun().events);
    expect(m.tokens).toEqual({ input: 3000, output: 600, cached: 0, total: 3600 });
    expect(m.llmCalls).toBe(3);
    expect(m.messages.byType).toEqual({ 'task.assign': 3, 'task.done': 3 });
    expect(m.messages.total).toBe(6);
    expect(m.testRuns).toEqual({ total: 4, failed: 1 });
    expect(m.conflicts.refusedCas).toBe(0);
    expect(m.conflicts.duplicateClaims).toBe(0);
    expect(m.checkers.errors).toBe(0);
  });

  it('takes the makespan it is given (the run result)', () => {
    expect(
      measureTrace(centralizedRun().events, { makespanModelMs: 400 }).agents[0]!.idleModelMs,
    ).toBe(250);
  });

  it('retries are not new messages', () => {
    const t = createTraceBuilder();
    const m1 = t.send('a', 'b', 'peer.msg');
    t.recv('b', t.retry(m1));
    const m = measureTrace(t.events);
    expect(m.messages).toEqual({ total: 1, byType: { 'peer.msg': 1 }, retries: 1 });
  });

  it('counts refused compare-and-sets and conflicts from the checkers', () => {
    const t = createTraceBuilder();
    t.mark('director', 'run.start', { arch: 'decentralized', agents: 2, tasks: TASKS });
    t.tool('a1', 'board.claim', { taskId: 't1', outcome: 'ok' });
    t.tool('a2', 'board.claim', { taskId: 't1', outcome: 'refused' });
    t.tool('a2', 'write_file', { path: 'src/t1.js', baseRev: 0, outcome: 'conflict' });
    // Two blind writes of one file: neither saw the other's revision.
    t.task('a1', 't1', 'start', { modelTime: 0 });
    t.tool('a1', 'write_file', {
      path: 'src/t1.js',
      baseRev: 0,
      rev: 1,
      taskId: 't1',
      modelTime: 1,
    });
    t.task('a2', 't2', 'start', { modelTime: 0 });
    t.tool('a2', 'write_file', {
      path: 'src/t1.js',
      baseRev: 0,
      rev: 2,
      taskId: 't2',
      modelTime: 1,
    });
    const m = measureTrace(t.events);
    expect(m.conflicts.refusedCas).toBe(2);
    expect(m.conflicts.concurrentWrites).toBe(1);
  });

  it('an empty trace measures zero', () => {
    const m = measureTrace([]);
    expect(m.makespanModelMs).toBe(0);
    expect(m.idleFraction).toBe(0);
    expect(m.stragglerGapModelMs).toBe(0);
  });
});

describe('taskSpans', () => {
  it('pairs each start with its done, fail or release; backups are marked', () => {
    const t = createTraceBuilder();
    t.task('a1', 't1', 'claim', { modelTime: 0 });
    t.task('a1', 't1', 'start', { modelTime: 5 });
    t.tool('a1', 'run_tests', { modelTime: 20, outcome: 'fail' });
    t.task('a1', 't1', 'fail', { modelTime: 30 });
    t.task('a2', 't1', 'start', { modelTime: 40, backup: true });
    t.tool('a2', 'run_tests', { modelTime: 60, outcome: 'pass' });
    const spans = taskSpans(t.events);
    expect(spans).toEqual([
      {
        actor: 'a1',
        taskId: 't1',
        startModelMs: 5,
        endModelMs: 30,
        outcome: 'fail',
        backup: false,
      },
      // Never ended: open to the agent's latest model time.
      {
        actor: 'a2',
        taskId: 't1',
        startModelMs: 40,
        endModelMs: 60,
        outcome: 'open',
        backup: true,
      },
    ]);
  });
});

describe('duplicate claims on happens-before', () => {
  it('a claim while another agent holds the task counts; one after its release was seen does not', () => {
    const t = createTraceBuilder();
    t.task('a1', 't1', 'claim');
    t.task('a1', 't1', 'claim'); // the same holding, recorded twice
    t.task('a2', 't1', 'claim'); // concurrent with a1's: duplicate
    t.task('a1', 't1', 'release');
    t.task('a2', 't1', 'release');
    const seen = t.send('a1', 'a3', 'peer.msg');
    t.recv('a3', seen);
    t.task('a3', 't1', 'claim'); // after a1's release (by message); a2's release not seen
    const m = measureTrace(t.events);
    expect(m.conflicts.duplicateClaims).toBe(2);
  });

  it('causally ordered hand-over is not a duplicate', () => {
    const t = createTraceBuilder();
    t.task('a1', 't1', 'claim');
    t.task('a1', 't1', 'release');
    t.recv('a2', t.send('a1', 'a2', 'peer.msg'));
    t.task('a2', 't1', 'claim');
    // Total order stands in for happens-before here: only the release-before-claim matters.
    const hb = (a: number, b: number) => a < b;
    expect(countDuplicateClaims(t.events, hb)).toBe(0);
    expect(measureTrace(t.events).conflicts.duplicateClaims).toBe(0);
  });

  it('backup copies are not claims', () => {
    const t = createTraceBuilder();
    t.task('a1', 't1', 'claim');
    t.task('a2', 't1', 'claim', { backup: true });
    expect(measureTrace(t.events).conflicts.duplicateClaims).toBe(0);
  });
});
