import { describe, expect, it } from 'vitest';
import { doneBody, planOptions, planState } from '../support/plan-state.js';
import {
  allSettled,
  applyDone,
  applyRecover,
  applySuspect,
  applyUndelivered,
  applyVote,
  blocked,
  plan,
  readyByPriority,
  stateFromBoard,
} from '@llm-teams/agents';

const options = planOptions;
const state = planState;

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
      {
        to: 'w2',
        type: 'task.cancel',
        body: { taskId: 'b', reason: 'w1 finished it first', epoch: 1 },
      },
    ]);
    expect(s.tasks['b']!.status).toBe('done');
  });

  it("judges a straggler at the spare worker's own model clock and starts its copy there", () => {
    // a (on w1) started at model 0; w2 finished b, a 10 s task, at 10. Real time stays small,
    // so only model time can call a late.
    const s = state(
      [
        { id: 'a', deps: [] },
        { id: 'b', deps: [] },
        { id: 'c', deps: [] },
      ],
      ['w1', 'w2', 'w3'],
    );
    plan(s, { ...options, now: 0 }); // w1: a, w2: b, w3: c
    applyDone(s, 'w2', doneBody('b', 10), { ...options, now: 5 });
    // w3 reports c, a 15 s task, after a completion elsewhere moved the team's clock far ahead:
    // the team has heard of model time 100, but w2 is free at 10 and w3 at 15.
    s.modelNow = 100;
    applyDone(s, 'w3', doneBody('c', 15), { ...options, now: 6 });
    s.modelNow = 100;
    // Median 12.5 s x 2 = 25 s: at 10 and 15, a has not run that long. No copy.
    expect(plan(s, { ...options, now: 7 })).toEqual([]);
    // w2 comes free again at 40 (say, after a review): a has run 40 > 25 s by then.
    s.workerModel['w2'] = 40;
    const sends = plan(s, { ...options, now: 8 });
    expect(sends).toEqual([
      {
        to: 'w2',
        type: 'task.assign',
        body: expect.objectContaining({ taskId: 'a', backup: true, modelTime: 40 }) as unknown,
      },
    ]);
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

  describe('completion reports', () => {
    it('a second report of a done task changes nothing', () => {
      const s = state([{ id: 'a', deps: [] }], ['w1', 'w2']);
      plan(s, { ...options, now: 0 });
      applyDone(s, 'w1', doneBody('a', 10), { ...options, now: 100 });
      const before = structuredClone(s);
      expect(applyDone(s, 'w1', doneBody('a', 10), { ...options, now: 200 })).toEqual([]);
      expect(applyDone(s, 'w2', doneBody('a', 12), { ...options, now: 200 })).toEqual([]);
      expect(s.tasks).toEqual(before.tasks);
      expect(s.durations).toEqual([100]);
      expect(s.modelDurations).toEqual([10]);
      // What the reports say of their senders' clocks still counts.
      expect(s.workerModel).toEqual({ w1: 10, w2: 12 });
    });

    it('a report while the result is being verified is ignored', () => {
      const o = { ...options, verify: 1 };
      const s = state([{ id: 'a', deps: [] }], ['w1', 'w2']);
      plan(s, o);
      applyDone(s, 'w1', doneBody('a'), o);
      expect(applyDone(s, 'w1', { ...doneBody('a'), ok: false }, o)).toEqual([]);
      expect(s.tasks['a']).toMatchObject({ status: 'verifying', owner: 'w1' });
    });

    it('a failed attempt puts the task back for another; the last one fails it for good', () => {
      const o = { ...options, maxAttempts: 2 };
      const s = state([{ id: 'a', deps: [] }], ['w1']);
      plan(s, o);
      applyDone(s, 'w1', { ...doneBody('a'), ok: false }, o);
      expect(s.tasks['a']).toMatchObject({ status: 'pending', owner: undefined, attempts: 1 });
      expect(s.workers['w1']).toBeNull();
      expect(allSettled(s)).toBe(false);
      plan(s, o);
      expect(s.tasks['a']!.attempts).toBe(2);
      applyDone(s, 'w1', { ...doneBody('a'), ok: false }, o);
      expect(s.tasks['a']!.status).toBe('failed');
      expect(allSettled(s)).toBe(true);
      expect(plan(s, o)).toEqual([]);
    });

    it("a failed copy: the backup's is dropped; the owner's passes the task to its backup", () => {
      const s = state([{ id: 'a', deps: [] }], ['w1', 'w2']);
      plan(s, options);
      s.tasks['a']!.backup = 'w2';
      s.workers['w2'] = 'a';
      applyDone(s, 'w2', { ...doneBody('a'), ok: false }, options);
      expect(s.tasks['a']).toMatchObject({ status: 'assigned', owner: 'w1', backup: undefined });
      s.tasks['a']!.backup = 'w2';
      s.workers['w2'] = 'a';
      applyDone(s, 'w1', { ...doneBody('a'), ok: false }, options);
      expect(s.tasks['a']).toMatchObject({ status: 'assigned', owner: 'w2', backup: undefined });
      // A failure reported by someone who holds no copy is not the task's.
      applyDone(s, 'w1', { ...doneBody('a'), ok: false }, options);
      expect(s.tasks['a']).toMatchObject({ status: 'assigned', owner: 'w2' });
    });

    it('a worker that finds the task done on the board settles it, and frees the backup', () => {
      const s = state([{ id: 'a', deps: [] }], ['w1', 'w2']);
      plan(s, options);
      s.tasks['a']!.backup = 'w2';
      s.workers['w2'] = 'a';
      const skip = { ...doneBody('a', 33), ok: false, skip: { code: 'already-done' } };
      expect(applyDone(s, 'w1', skip as never, options)).toEqual([]);
      expect(s.tasks['a']).toMatchObject({ status: 'done', backup: undefined, doneModel: 33 });
      expect(s.workers).toEqual({ w1: null, w2: null });
    });

    it('the owner finishing first cancels the backup, whose worker is not marked slow', () => {
      const s = state([{ id: 'a', deps: [] }], ['w1', 'w2']);
      plan(s, { ...options, now: 0 });
      s.tasks['a']!.backup = 'w2';
      s.workers['w2'] = 'a';
      const cancel = applyDone(s, 'w1', doneBody('a'), { ...options, now: 50 });
      expect(cancel).toEqual([
        {
          to: 'w2',
          type: 'task.cancel',
          body: { taskId: 'a', reason: 'w1 finished it first', epoch: 1 },
        },
      ]);
      expect(s.workers).toEqual({ w1: null, w2: null });
      expect(s.slow).toEqual({});
    });

    it("a report of an unknown task only moves its sender's clock", () => {
      const s = state([{ id: 'a', deps: [] }], ['w1']);
      expect(applyDone(s, 'w1', doneBody('zz', 77), options)).toEqual([]);
      expect(s.workerModel['w1']).toBe(77);
      expect(s.modelNow).toBe(0);
    });
  });

  it('a suspected worker gets no work until it recovers', () => {
    const s = state(
      [
        { id: 'a', deps: [] },
        { id: 'b', deps: [] },
      ],
      ['w1', 'w2'],
    );
    applySuspect(s, 'w1');
    applySuspect(s, 'w1');
    expect(s.suspected).toEqual(['w1']);
    expect(plan(s, options).map((m) => m.to)).toEqual(['w2']);
    applyRecover(s, 'w1');
    expect(s.suspected).toEqual([]);
    expect(plan(s, options)).toEqual([
      { to: 'w1', type: 'task.assign', body: expect.objectContaining({ taskId: 'b' }) as unknown },
    ]);
  });

  it('a suspected reviewer that has not voted gives up its seat', () => {
    const o = { ...options, verify: 2 };
    const s = state([{ id: 'a', deps: [] }], ['w1', 'w2', 'w3']);
    plan(s, o);
    applyDone(s, 'w1', doneBody('a'), o);
    plan(s, o);
    const voteId = s.tasks['a']!.voteId!;
    applyVote(s, 'w2', { taskId: 'a', voteId, value: 'approve', modelTime: 1 }, o);
    applySuspect(s, 'w2');
    applySuspect(s, 'w3');
    expect(s.tasks['a']!.reviewers).toEqual(['w2']);
  });

  it('ready tasks: pending with every dependency done, most critical first, ties by id', () => {
    const s = state(
      [
        { id: 'b', deps: [] },
        { id: 'a', deps: [] },
        { id: 'c', deps: ['a'] },
      ],
      ['w1'],
    );
    expect(readyByPriority(s)).toEqual(['a', 'b']);
    s.tasks['a']!.status = 'done';
    expect(readyByPriority(s)).toEqual(['b', 'c']);
    s.tasks['b']!.status = 'assigned';
    expect(readyByPriority(s)).toEqual(['c']);
  });

  it('blocked: every task left is failed or depends on a failed one', () => {
    const s = state(
      [
        { id: 'a', deps: [] },
        { id: 'b', deps: ['a'] },
        { id: 'c', deps: ['b'] },
        { id: 'd', deps: [] },
      ],
      ['w1'],
    );
    expect(blocked(s)).toBe(false);
    s.tasks['a']!.status = 'failed';
    expect(blocked(s)).toBe(false); // d can still run
    s.tasks['d']!.status = 'done';
    expect(blocked(s)).toBe(true);
    expect(allSettled(s)).toBe(false);
  });
});
