import { describe, expect, it } from 'vitest';
import { createTraceBuilder, createTraceIndex, type TraceBuilder } from '@llm-teams/runtime';
import {
  analyzeTrace,
  checkConcurrentWrites,
  checkDuplicateCompletions,
  checkLostCompletions,
  checkRewrites,
  checkTemporal,
  checkVotes,
  createTeamContext,
  type TeamContextOptions,
} from '@llm-teams/lab';
import { cleanTeamRun, TASKS } from './team-scenarios.js';

const context = (t: TraceBuilder, options: TeamContextOptions = {}) =>
  createTeamContext(createTraceIndex(t.events), options);

describe('team checkers on a clean run', () => {
  it('find nothing in a centralized run with a released backup copy, shared files and a vote', () => {
    const result = analyzeTrace(cleanTeamRun().events);
    expect(result.findings).toEqual([]);
    expect(result.summary).toMatchObject({
      ok: true,
      errors: 0,
      warnings: 0,
      tasks: { declared: 4, completed: 4, runCompleted: true },
    });
  });

  it('need the workspace reads-from edges to see that the shared file was written in order', () => {
    const t = cleanTeamRun();
    expect(checkConcurrentWrites(context(t))).toEqual([]);
    const blind = checkConcurrentWrites(context(t, { workspaceCausality: false }));
    expect(blind).toEqual([]); // the lead's messages order them too
  });
});

describe('concurrent writes', () => {
  it('finds two writes to one file that no message or read orders', () => {
    const t = createTraceBuilder();
    t.task('w1', 't1', 'start');
    t.tool('w1', 'write_file', { path: 'src/u.ts', baseRev: 0, rev: 1 });
    t.task('w2', 't1', 'start');
    t.tool('w2', 'write_file', { path: 'src/u.ts', rev: 2 });
    const [f, ...rest] = checkConcurrentWrites(context(t));
    expect(rest).toEqual([]);
    expect(f!.verdict).toBe(
      'w1 and w2 both wrote src/u.ts (rev 0 -> 1; rev 2) and neither write happens before the other',
    );
    expect(f!.events).toEqual([
      { actor: 'w1', seq: 1 },
      { actor: 'w2', seq: 1 },
    ]);
    expect(f!.noChain).toMatch(/without having seen/);
  });
});

describe('rewrites', () => {
  it("finds a write over a teammate's revision for another task, with the read that led to it", () => {
    const t = createTraceBuilder();
    t.mark('lead', 'run.tasks', { tasks: TASKS });
    t.task('w1', 't1', 'start');
    t.tool('w1', 'write_file', { path: 'src/t1.ts', baseRev: 0, rev: 1 });
    t.task('w1', 't1', 'done');
    t.task('w2', 't3', 'start');
    t.tool('w2', 'read_file', { path: 'src/t1.ts', rev: 1 });
    t.tool('w2', 'write_file', { path: 'src/t1.ts', baseRev: 1, rev: 2 });
    const ctx = context(t);
    const [f, ...rest] = checkRewrites(ctx);
    expect(rest).toEqual([]);
    expect(f!.severity).toBe('warning');
    expect(f!.verdict).toBe(
      'w2 rewrote src/t1.ts (rev 1 -> 2), which w1 had written for t1, while working on t3',
    );
    expect(f!.chain).toEqual([
      { actor: 'w1', seq: 1 },
      { actor: 'w2', seq: 2 },
    ]);
  });

  it('lets a takeover of the same task and a file the task declares through', () => {
    const t = createTraceBuilder();
    t.mark('lead', 'run.tasks', { tasks: TASKS });
    t.task('w1', 't2', 'start');
    t.tool('w1', 'write_file', { path: 'src/index.ts', baseRev: 0, rev: 1 });
    t.tool('w1', 'write_file', { path: 'src/t2.ts', baseRev: 0, rev: 1 });
    t.task('w1', 't2', 'release');
    t.task('w2', 't2', 'start');
    t.tool('w2', 'write_file', { path: 'src/t2.ts', baseRev: 1, rev: 2 });
    t.task('w2', 't4', 'start');
    t.tool('w2', 'write_file', { path: 'src/index.ts', baseRev: 1, rev: 2 });
    expect(checkRewrites(context(t))).toEqual([]);
  });
});

describe('temporal violations', () => {
  it('find work begun before a dependency was done, or without knowing it was', () => {
    const t = createTraceBuilder();
    t.mark('lead', 'run.tasks', { tasks: TASKS });
    t.task('w1', 't1', 'start');
    // w2 starts t3 concurrently with t1's completion, and writes for it.
    t.task('w2', 't3', 'start');
    t.tool('w2', 'write_file', { path: 'src/t3.ts', baseRev: 0, rev: 1 });
    t.task('w1', 't1', 'done');
    // w3 starts t2 before t1 is done, and tells w1, so t1's done is causally later.
    t.task('w3', 't2', 'start');
    t.recv('w1', t.send('w3', 'w1', 'hello'));
    t.task('w1', 't1', 'done', { again: true });
    const findings = checkTemporal(context(t));
    expect(findings.map((f) => f.verdict)).toEqual([
      "w2 started t3 without knowing its dependency t1 was done: t1's completion by w1 is concurrent with it (and 1 more events of t3)",
      'w3 started t2 before its dependency t1 was completed (by w1, causally later)',
    ]);
  });

  it('take dependencies from options as well as from the run.tasks mark', () => {
    const t = createTraceBuilder();
    t.task('w1', 'b', 'start');
    expect(checkTemporal(context(t))).toEqual([]);
    const [f] = checkTemporal(context(t, { deps: { b: ['a'] } }));
    expect(f!.verdict).toBe('w1 started b, but its dependency a was never completed');
  });

  it('accept a start that read the completion on the task board', () => {
    const t = createTraceBuilder();
    t.mark('director', 'run.start', {
      tasks: [
        { id: 'a', deps: [] },
        { id: 'b', deps: ['a'] },
      ],
    });
    t.tool('w1', 'board.complete', { taskId: 'a', kvWrite: 'board/task.a@4' });
    t.tool('w1', 'complete_task', { taskId: 'a' });
    t.task('w1', 'a', 'done');
    t.tool('w2', 'board.read', { taskId: 'b', kvReads: ['board/task.a@4'] });
    t.task('w2', 'b', 'start');
    t.task('w3', 'b', 'start');
    const [f, ...rest] = checkTemporal(context(t));
    expect(rest).toEqual([]);
    // w2 read a's completed entry; w3 did not.
    expect(f!.verdict).toMatch(/^w3 started b without knowing its dependency a was done/);
  });

  it('accept a start that read a later revision of the completed entry, written by a step the trace does not show', () => {
    // The chaos soak's case (seed 300, run 19): a server's SIGKILL cost coord1 its lease;
    // coord2, elected, fenced every board entry with its epoch (a's revision 52, not traced
    // as a write) and the worker of b read a at 52.
    const t = createTraceBuilder();
    t.mark('director', 'run.start', {
      tasks: [
        { id: 'a', deps: [] },
        { id: 'b', deps: ['a'] },
      ],
    });
    t.tool('w1', 'board.claim', { taskId: 'a', kvWrite: 'board/task.a@3' });
    t.tool('w1', 'board.complete', { taskId: 'a', kvWrite: 'board/task.a@51' });
    t.task('w1', 'a', 'done');
    t.tool('w2', 'board.read', { taskId: 'b', kvReads: ['board/task.a@52'] });
    t.task('w2', 'b', 'start');
    // A read of a revision before the completion learned only of the claim.
    t.tool('w3', 'board.read', { taskId: 'b', kvReads: ['board/task.a@50'] });
    t.task('w3', 'b', 'start');
    const [f, ...rest] = checkTemporal(context(t));
    expect(rest).toEqual([]);
    expect(f!.verdict).toMatch(/^w3 started b without knowing its dependency a was done/);
  });

  it('accept a start that learned of the completion through a message', () => {
    const t = createTraceBuilder();
    t.task('w1', 'a', 'done');
    t.recv('w2', t.send('w1', 'w2', 'a.done'));
    t.task('w2', 'b', 'start');
    expect(checkTemporal(context(t, { deps: { b: ['a'] } }))).toEqual([]);
  });
});

describe('duplicate and lost completions', () => {
  it('find a task completed twice, concurrently or knowingly', () => {
    const t = createTraceBuilder();
    t.task('w1', 't1', 'done');
    t.task('w2', 't1', 'done');
    t.task('w1', 't2', 'done');
    t.recv('w2', t.send('w1', 'w2', 't2.done'));
    t.task('w2', 't2', 'done');
    const findings = checkDuplicateCompletions(context(t));
    expect(findings.map((f) => f.verdict)).toEqual([
      't1 was completed 2 times (w1, w2), concurrently: the losing copy should have been released, not completed',
      't2 was completed 2 times (w1, w2); w2 completed it knowing w1 already had',
    ]);
    expect(findings[1]!.chain).toHaveLength(4);
  });

  it('find a declared task never completed in a run that says it completed', () => {
    const t = createTraceBuilder();
    t.mark('lead', 'run.tasks', { tasks: TASKS.slice(0, 2) });
    t.task('w1', 't1', 'done');
    t.task('w1', 't2', 'start');
    t.mark('lead', 'run.end', { completed: true });
    const [f, ...rest] = checkLostCompletions(context(t));
    expect(rest).toEqual([]);
    expect(f!.verdict).toBe('the run ended as completed, but t2 was never completed');
  });

  it('count a completion on the board whose done event the end of the run cut short', () => {
    const t = createTraceBuilder();
    t.mark('lead', 'run.tasks', { tasks: TASKS.slice(0, 2) });
    t.task('w1', 't1', 'done');
    t.task('w2', 't2', 'start');
    t.tool('w2', 'board.complete', { outcome: 'ok', taskId: 't2' });
    t.mark('lead', 'run.end', { completed: true });
    expect(checkLostCompletions(context(t))).toEqual([]);
    // A refused completion is no completion.
    const u = createTraceBuilder();
    u.mark('lead', 'run.tasks', { tasks: TASKS.slice(0, 2) });
    u.task('w1', 't1', 'done');
    u.tool('w2', 'board.complete', { outcome: 'refused', taskId: 't2' });
    u.mark('lead', 'run.end', { completed: true });
    expect(checkLostCompletions(context(u)).map((f) => f.verdict)).toEqual([
      'the run ended as completed, but t2 was never completed (nor ever worked on)',
    ]);
  });

  it('find a task lost with a failed actor, unless someone took it over', () => {
    const t = createTraceBuilder();
    t.task('w1', 't1', 'claim');
    t.task('w1', 't2', 'claim');
    t.mark('w1', 'actor.failed', { error: 'gave up' });
    t.task('w2', 't2', 'claim');
    t.task('w2', 't2', 'done');
    const findings = checkLostCompletions(context(t));
    expect(findings.map((f) => [f.severity, f.verdict])).toEqual([
      ['warning', 't1 was lost with w1, which failed holding it, and no one took it over'],
    ]);
  });
});

describe('votes', () => {
  it('find a vote decided two ways by concurrent deciders', () => {
    const t = createTraceBuilder();
    for (const [voter, value] of [
      ['a', 'yes'],
      ['b', 'no'],
    ] as const) {
      t.mark(voter, 'vote.cast', { voteId: 'v', value });
      t.mark(voter, 'vote.decided', { voteId: 'v', outcome: value });
    }
    const findings = checkVotes(context(t));
    const split = findings.find((f) => f.verdict.includes('two ways'));
    expect(split!.verdict).toBe('vote v was decided two ways: "yes" by a; "no" by b');
    expect(split!.noChain).toMatch(/concurrently/);
    // Each decided with 1 of 2 votes: no majority either.
    expect(findings.filter((f) => f.verdict.includes('not a majority'))).toHaveLength(2);
  });

  it('find a decision taken before a majority could have reached the decider', () => {
    const t = createTraceBuilder();
    t.mark('lead', 'vote.open', { voteId: 'v', electorate: ['lead', 'a', 'b'] });
    t.mark('lead', 'vote.cast', { voteId: 'v', value: 'go' });
    t.mark('lead', 'vote.decided', { voteId: 'v', outcome: 'go' });
    t.mark('a', 'vote.cast', { voteId: 'v', value: 'go' });
    const [f, ...rest] = checkVotes(context(t));
    expect(rest).toEqual([]);
    expect(f!.verdict).toBe(
      'lead decided vote v as "go" with 1 of 3 votes for it in its causal past, not a majority',
    );
    expect(f!.noChain).toBe('1 votes for it were cast but had not reached lead');
  });
});
