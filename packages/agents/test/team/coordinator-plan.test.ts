import { describe, expect, it } from 'vitest';
import {
  applyDone,
  applySuspect,
  applyUndelivered,
  applyVote,
  longestPathToEnd,
  plan,
  stateFromBoard,
  type PlanState,
} from '@llm-teams/agents';

const options = {
  epoch: 1,
  now: 0,
  timeScale: 0.01,
  maxAttempts: 3,
  stragglerFactor: 2,
  stragglerMinMs: 10,
  backups: true,
  tailBackups: false,
  verify: 0,
};

function state(tasks: { id: string; deps: string[] }[], workers: string[]): PlanState {
  const priority = longestPathToEnd(tasks);
  return {
    tasks: Object.fromEntries(
      tasks.map((t) => [
        t.id,
        { deps: t.deps, priority: priority.get(t.id)!, status: 'pending' as const, attempts: 0 },
      ]),
    ),
    workers: Object.fromEntries(workers.map((w) => [w, null])),
    suspected: [],
    slow: {},
    durations: [],
    modelDurations: [],
    modelNow: 0,
    marks: [],
    workerModel: {},
  };
}

const doneBody = (taskId: string, modelTime = 10) => ({
  taskId,
  ok: true,
  modelTime,
  backup: false,
});

describe('coordinator planning', () => {
  it('assigns ready tasks critical-path-first', () => {
    // c1 -> c2 -> c3 is the critical path; i1, i2 are independent.
    const s = state(
      [
        { id: 'i1', deps: [] },
        { id: 'c1', deps: [] },
        { id: 'i2', deps: [] },
        { id: 'c2', deps: ['c1'] },
        { id: 'c3', deps: ['c2'] },
      ],
      ['w1', 'w2'],
    );
    const sends = plan(s, options);
    expect(sends.map((m) => [m.to, (m.body as { taskId: string }).taskId])).toEqual([
      ['w1', 'c1'],
      ['w2', 'i1'],
    ]);
    expect(plan(s, options)).toEqual([]);
    applyDone(s, 'w1', doneBody('c1'), options);
    expect(plan(s, options).map((m) => (m.body as { taskId: string }).taskId)).toEqual(['c2']);
  });

  it('backs up a straggler with a spare worker; the first to finish wins and the other is cancelled', () => {
    const s = state(
      [
        { id: 'a', deps: [] },
        { id: 'b', deps: [] },
        { id: 'c', deps: [] },
      ],
      ['w1', 'w2'],
    );
    plan(s, { ...options, now: 0 });
    applyDone(s, 'w1', doneBody('a'), { ...options, now: 100 });
    plan(s, { ...options, now: 100 }); // w1 takes c
    applyDone(s, 'w1', doneBody('c'), { ...options, now: 200 });
    // b (on w2) has run 500 > 2 x median(100): w1 gets a backup copy.
    const sends = plan(s, { ...options, now: 500 });
    expect(sends).toEqual([
      {
        to: 'w1',
        type: 'task.assign',
        body: expect.objectContaining({ taskId: 'b', backup: true }) as unknown,
      },
    ]);
    expect(s.slow['w2']).toBeGreaterThan(2);
    const cancel = applyDone(s, 'w1', doneBody('b'), { ...options, now: 600 });
    expect(cancel).toEqual([
      { to: 'w2', type: 'task.cancel', body: { taskId: 'b', reason: 'w1 finished it first' } },
    ]);
    expect(s.tasks['b']!.status).toBe('done');
  });

  it("re-assigns a suspected worker's task", () => {
    const s = state([{ id: 'a', deps: [] }], ['w1', 'w2']);
    plan(s, options);
    expect(s.tasks['a']!.owner).toBe('w1');
    applySuspect(s, 'w1');
    expect(plan(s, options)).toEqual([
      { to: 'w2', type: 'task.assign', body: expect.objectContaining({ taskId: 'a' }) as unknown },
    ]);
  });

  it('an assignment that never reached its worker is given out again, the worker still eligible', () => {
    const s = state([{ id: 'a', deps: [] }], ['w1']);
    plan(s, options);
    expect(s.tasks['a']).toMatchObject({ owner: 'w1', status: 'assigned', attempts: 1 });
    // A notice about work the worker does not hold changes nothing.
    expect(applyUndelivered(s, 'w1', 'b')).toBe(false);
    expect(s.workers['w1']).toBe('a');
    expect(applyUndelivered(s, 'w1', 'a')).toBe(true);
    expect(s.tasks['a']).toMatchObject({ status: 'pending', owner: undefined, attempts: 0 });
    expect(s.suspected).toEqual([]);
    expect(plan(s, options)).toEqual([
      { to: 'w1', type: 'task.assign', body: expect.objectContaining({ taskId: 'a' }) as unknown },
    ]);
    // A lost backup copy frees the backup; the owner keeps the task.
    s.tasks['a']!.backup = 'w2';
    s.workers['w2'] = 'a';
    expect(applyUndelivered(s, 'w2', 'a')).toBe(true);
    expect(s.tasks['a']).toMatchObject({ owner: 'w1', backup: undefined, status: 'assigned' });
    expect(s.workers['w2']).toBeNull();
    // A lost review request frees the seat.
    s.tasks['a']!.status = 'verifying';
    s.tasks['a']!.reviewers = ['w2'];
    s.workers['w2'] = 'review:a';
    expect(applyUndelivered(s, 'w2', 'review:a')).toBe(true);
    expect(s.tasks['a']!.reviewers).toEqual([]);
    expect(s.workers['w2']).toBeNull();
  });

  it('a coordinator taking over re-opens the vote on each done task no quorum approved', () => {
    type Board = Parameters<typeof stateFromBoard>[0];
    type Entry = Board extends Map<string, infer V> ? V : never;
    const entry = (id: string, extra: Partial<Entry['entry']>): Entry => ({
      entry: { id, deps: [], claims: 1, owner: 'w1', status: 'open', ...extra },
      rev: 1,
    });
    const board = new Map([
      ['a', entry('a', { status: 'done', verified: true })],
      ['b', entry('b', { status: 'done' })],
      ['c', entry('c', { status: 'claimed' })],
    ]);
    const priority = new Map([
      ['a', 1],
      ['b', 1],
      ['c', 1],
    ]);
    const without = stateFromBoard(board, priority, ['w1', 'w2'], 0);
    expect(without.tasks['b']!.status).toBe('done');
    const s = stateFromBoard(board, priority, ['w1', 'w2', 'w3'], 0, { reviewers: 2, epoch: 7 });
    expect(s.tasks['a']!.status).toBe('done');
    expect(s.tasks['b']).toMatchObject({ status: 'verifying', voteId: 'b#1@7', owner: 'w1' });
    expect(s.marks).toEqual([
      {
        name: 'vote.open',
        data: { voteId: 'b#1@7', taskId: 'b', electorate: 2, author: 'w1', reopened: true },
      },
    ]);
    // The reviewers come from the idle workers other than the author.
    const sends = plan(s, { ...options, verify: 2 });
    expect(sends.filter((m) => m.type === 'task.review').map((m) => m.to)).toEqual(['w2', 'w3']);
  });

  it('a verification vote decides by strict majority, a rejected result is redone', () => {
    const o = { ...options, verify: 3 };
    const s = state([{ id: 'a', deps: [] }], ['w1', 'w2', 'w3', 'w4']);
    plan(s, o);
    applyDone(s, 'w1', doneBody('a'), o);
    expect(s.tasks['a']!.status).toBe('verifying');
    const reviews = plan(s, o);
    expect(reviews.map((r) => r.to).sort()).toEqual(['w2', 'w3', 'w4']);
    const voteId = s.tasks['a']!.voteId!;
    applyVote(s, 'w2', { taskId: 'a', voteId, value: 'reject', modelTime: 20 }, o);
    applyVote(s, 'w3', { taskId: 'a', voteId, value: 'reject', modelTime: 20 }, o);
    expect(s.tasks['a']!.status).toBe('pending');
    expect(s.marks.map((m) => m.name)).toEqual(['vote.open', 'vote.decided']);
    const redo = plan(s, o);
    expect(redo[0]!.body).toMatchObject({ taskId: 'a', redo: true });
  });
});
