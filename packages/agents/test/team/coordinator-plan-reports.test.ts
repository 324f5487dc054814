import { describe, expect, it } from 'vitest';
import {
  applyDone,
  applyRecover,
  applySuspect,
  applyUndelivered,
  applyVote,
  plan,
} from '@llm-teams/agents';
import { doneBody, failBody, independent, planOptions, planState } from '../support/plan-state.js';

const options = planOptions;

describe('completion reports', () => {
  it("a report records the task's model duration from its assignment, and the team's latest model time", () => {
    const s = planState(independent('a', 'b'), ['w1', 'w2']);
    s.workerModel['w1'] = 5;
    plan(s, options); // w1: a from 5, w2: b from 0
    applyDone(s, 'w1', doneBody('a', 30), options);
    applyDone(s, 'w2', doneBody('b', 20), options);
    expect(s.modelDurations).toEqual([25, 20]);
    expect(s.modelNow).toBe(30);
  });

  it("a backup copy's completion records a real duration but no model duration", () => {
    // The copy started later than the task: its model time says nothing of the task's length.
    const s = planState(independent('a'), ['w1', 'w2']);
    plan(s, options);
    s.tasks['a']!.backup = 'w2';
    s.workers['w2'] = 'a';
    applyDone(s, 'w2', doneBody('a', 30), { ...options, now: 50 });
    expect(s.durations).toEqual([50]);
    expect(s.modelDurations).toEqual([]);
    expect(s.tasks['a']).toMatchObject({ status: 'done', owner: 'w2', doneModel: 30 });
  });

  it('a late completion from a worker suspected meanwhile counts; the worker keeps its new task', () => {
    const s = planState(independent('a', 'b', 'c'), ['w1', 'w2']);
    plan(s, options); // w1: a, w2: b
    applySuspect(s, 'w1');
    applyDone(s, 'w2', doneBody('b'), options);
    plan(s, options); // w2: a
    applyRecover(s, 'w1');
    plan(s, options); // w1: c
    expect(s.workers).toEqual({ w1: 'c', w2: 'a' });
    const cancel = applyDone(s, 'w1', doneBody('a'), options);
    expect(cancel).toEqual([
      {
        to: 'w2',
        type: 'task.cancel',
        body: { taskId: 'a', reason: 'w1 finished it first', epoch: 1 },
      },
    ]);
    expect(s.tasks['a']).toMatchObject({ status: 'done', owner: 'w1' });
    expect(s.workers).toEqual({ w1: 'c', w2: null });
  });

  it('a report that cancels no copy sends nothing', () => {
    const s = planState(independent('a', 'b', 'c', 'd'), ['w1', 'w2', 'w3', 'w4', 'w5']);
    plan(s, options); // w1: a, w2: b, w3: c, w4: d
    // Completed with no copy running.
    expect(applyDone(s, 'w1', doneBody('a'), options)).toEqual([]);
    // A failed backup copy; then a failed owner whose backup carries on.
    s.tasks['b']!.backup = 'w5';
    s.workers['w5'] = 'b';
    expect(applyDone(s, 'w5', failBody('b'), options)).toEqual([]);
    s.tasks['b']!.backup = 'w5';
    s.workers['w5'] = 'b';
    expect(applyDone(s, 'w2', failBody('b'), options)).toEqual([]);
    // A failure from a worker that holds no copy; a failed owner with no copy.
    expect(applyDone(s, 'w1', failBody('c'), options)).toEqual([]);
    expect(applyDone(s, 'w3', failBody('c'), options)).toEqual([]);
    // Found done on the board.
    const skip = { ...failBody('d'), skip: { code: 'already-done' as const } };
    expect(applyDone(s, 'w4', skip, options)).toEqual([]);
    expect(s.tasks).toMatchObject({
      a: { status: 'done' },
      b: { status: 'assigned', owner: 'w5' },
      c: { status: 'pending', owner: undefined },
      d: { status: 'done' },
    });
  });

  it('a task found done on the board with no copy running frees only its reporter', () => {
    const s = planState(independent('a'), ['w1', 'w2']);
    plan(s, options);
    const skip = { ...failBody('a', 12), skip: { code: 'already-done' as const } };
    applyDone(s, 'w1', skip, options);
    expect(s.workers).toEqual({ w1: null, w2: null });
    expect(s.tasks['a']).toMatchObject({ status: 'done', doneModel: 12 });
  });

  it('a failure reported after the task went back to pending counts: on the last attempt it fails the task', () => {
    const last = { ...options, maxAttempts: 1 };
    const s = planState(independent('a'), ['w1']);
    plan(s, last);
    applySuspect(s, 'w1');
    expect(s.tasks['a']).toMatchObject({ status: 'pending', attempts: 1 });
    applyDone(s, 'w1', failBody('a'), last);
    expect(s.tasks['a']!.status).toBe('failed');
  });
});

describe('votes', () => {
  const o = { ...options, verify: 3 };
  /** a done by w1, reviewed by w2, w3, w4. */
  function verifying() {
    const s = planState(independent('a'), ['w1', 'w2', 'w3', 'w4']);
    plan(s, o);
    applyDone(s, 'w1', doneBody('a'), o);
    plan(s, o);
    return { s, voteId: s.tasks['a']!.voteId! };
  }
  const vote = (voteId: string, value: 'approve' | 'reject', taskId = 'a') => ({
    taskId,
    voteId,
    value,
    modelTime: 20,
  });

  it("a reviewer's first vote stands", () => {
    const { s, voteId } = verifying();
    applyVote(s, 'w2', vote(voteId, 'reject'), o);
    applyVote(s, 'w2', vote(voteId, 'approve'), o);
    applyVote(s, 'w3', vote(voteId, 'reject'), o);
    expect(s.tasks['a']!.votes).toEqual({ w2: 'reject', w3: 'reject' });
    expect(s.tasks['a']!.status).toBe('pending');
  });

  it('a vote on an unknown task moves only the clocks', () => {
    const { s } = verifying();
    const before = structuredClone(s.tasks);
    applyVote(s, 'w2', vote('zz#1', 'approve', 'zz'), o);
    expect(s.tasks).toEqual(before);
    expect(s.workerModel['w2']).toBe(20);
  });

  it('a vote from a reviewer whose request was reported lost is ignored, and leaves its new seat alone', () => {
    const one = { ...options, verify: 1 };
    const s = planState(independent('a', 'b', 'c'), ['w1', 'w2', 'w3']);
    plan(s, one); // w1: a, w2: b, w3: c
    applyDone(s, 'w1', doneBody('a'), one);
    applyDone(s, 'w3', doneBody('c'), one);
    plan(s, one); // w3 reviews a, w1 reviews c
    applyUndelivered(s, 'w3', 'review:a');
    applyDone(s, 'w2', doneBody('b'), one);
    plan(s, one); // w2 reviews a, w3 reviews b
    expect(s.workers).toMatchObject({ w2: 'review:a', w3: 'review:b' });
    // w3 got a's request after all, and votes.
    applyVote(s, 'w3', vote(s.tasks['a']!.voteId!, 'approve'), one);
    expect(s.tasks['a']).toMatchObject({ status: 'verifying', votes: {} });
    expect(s.workers['w3']).toBe('review:b');
  });
});
