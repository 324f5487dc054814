/**
 * The coordinator's plan in model time: who gets a ready task when reports arrive in an order
 * that is not model time's (simulated time compressed), and which workers a backup copy may take.
 */
import { describe, expect, it } from 'vitest';
import { doneBody, planOptions, planState } from '../support/plan-state.js';
import { applyDone, plan } from '@llm-teams/agents';

// Model time compressed a thousandfold, so arrival order and model order part easily.
const options = { ...planOptions, timeScale: 0.001 };
const ordered = { ...options, modelTimeOrder: true };

const state = planState;
const done = doneBody;

/** [worker, task, model time] of each assignment. */
const given = (sends: ReturnType<typeof plan>) =>
  sends.map((m) => {
    const body = m.body as { taskId: string; modelTime?: number };
    return [m.to, body.taskId, body.modelTime];
  });

const independent = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `t${i}`, deps: [] }));

describe('coordinator planning in model time', () => {
  it('with model-time order, gives a ready task to the idle worker that came free earliest in model time; by default, the first by name', () => {
    const s = state(independent(4), ['w1', 'w2']);
    plan(s, options); // w1: t0, w2: t1 (t2 and t3 wait)
    applyDone(s, 'w1', done('t0', 90), { ...options, now: 5 });
    applyDone(s, 'w2', done('t1', 20), { ...options, now: 6 });
    // Both are idle when the coordinator plans: w2 has been free since 20, w1 only since 90.
    expect(given(plan(structuredClone(s), { ...ordered, now: 7 }))).toEqual([
      ['w2', 't2', 20],
      ['w1', 't3', 90],
    ]);
    expect(given(plan(s, { ...options, now: 7 }))).toEqual([
      ['w1', 't2', 90],
      ['w2', 't3', 20],
    ]);
  });

  it('with model-time order, holds a ready task for a busy worker that may come free earlier in model time', () => {
    const s = state(independent(3), ['w1', 'w2']);
    plan(s, ordered); // w1: t0 from 0, w2: t1 from 0
    // w1 reports first in real time, at model 90; w2 (started at 0) may be done before 90.
    applyDone(s, 'w1', done('t0', 90), { ...ordered, now: 5 });
    // Without the option the first to report takes it.
    const eager = structuredClone(s);
    expect(given(plan(eager, { ...options, now: 6 }))).toEqual([['w1', 't2', 90]]);
    expect(plan(s, { ...ordered, now: 6 })).toEqual([]);
    // w2 reports: it was free at 30, so t2 is its in model time.
    applyDone(s, 'w2', done('t1', 30), { ...ordered, now: 8 });
    expect(given(plan(s, { ...ordered, now: 9 }))).toEqual([['w2', 't2', 30]]);
    expect(s.workers['w1']).toBeNull();
  });

  it('with model-time order, a worker ahead in model time takes what is left after the earlier workers have theirs', () => {
    const s = state(independent(5), ['w1', 'w2']);
    plan(s, ordered); // w1: t0, w2: t1
    applyDone(s, 'w1', done('t0', 90), { ...ordered, now: 5 });
    // w2 may come free first in model time and would take t2; w1 takes the next, t3.
    expect(given(plan(s, { ...ordered, now: 6 }))).toEqual([['w1', 't3', 90]]);
  });

  it('with model-time order, a worker many tasks ahead in model time leaves a busy worker the tasks it may start before then', () => {
    const s = state(independent(8), ['w1', 'w2']);
    plan(s, ordered); // w1: t0, w2: t1, both from 0
    // w1 reports task after task (short ones, 10 s, then one of 60 s) while w2 is still busy.
    applyDone(s, 'w1', done('t0', 10), { ...ordered, now: 1 });
    expect(given(plan(s, { ...ordered, now: 1 }))).toEqual([['w1', 't3', 10]]);
    applyDone(s, 'w1', done('t3', 20), { ...ordered, now: 2 });
    // w2, free from 10 at the earliest, may start 2 tasks before 20: w1 takes the third.
    expect(given(plan(s, { ...ordered, now: 2 }))).toEqual([['w1', 't5', 20]]);
    applyDone(s, 'w1', done('t5', 80), { ...ordered, now: 3 });
    // At 80, w2 may have started 8 tasks of the median 10 s: the 4 left are its, w1 waits.
    expect(plan(s, { ...ordered, now: 3 })).toEqual([]);
  });

  it('with model-time order, never hands a less critical task ahead of a more critical one', () => {
    // c1 -> c2 -> c3 is the critical path; i1 and x are independent.
    const s = state(
      [
        { id: 'x', deps: [] },
        { id: 'c1', deps: [] },
        { id: 'c2', deps: ['c1'] },
        { id: 'c3', deps: ['c2'] },
        { id: 'i1', deps: [] },
      ],
      ['w1', 'w2'],
    );
    plan(s, ordered); // w1: c1, w2: i1; x waits
    expect(s.tasks['c1']!.owner).toBe('w1');
    applyDone(s, 'w1', done('c1', 90), { ...ordered, now: 5 });
    // c2 (critical) is for w2 if it comes free first in model time; what is left after it is
    // less critical, so w1 is held rather than given it.
    expect(plan(s, { ...ordered, now: 6 })).toEqual([]);
  });

  it('with model-time order, waits no longer than the straggler threshold in real time', () => {
    const s = state(independent(3), ['w1', 'w2']);
    plan(s, ordered);
    applyDone(s, 'w1', done('t0', 90), { ...ordered, now: 100 });
    // Median real duration 100 ms x 2 x stragglerFactor 2 = 400 ms: w2 has been busy 300 ms.
    expect(plan(s, { ...ordered, now: 300 })).toEqual([]);
    // ...and 500 ms: no longer waited for.
    expect(given(plan(s, { ...ordered, now: 500 }))).toEqual([['w1', 't2', 90]]);
  });

  it('a backup copy never takes a worker that a ready task needs', () => {
    const s = state(independent(4), ['w1', 'w2']);
    plan(s, options); // w1: t0, w2: t1
    applyDone(s, 'w1', done('t0', 10), { ...options, now: 10 });
    plan(s, { ...options, now: 10 }); // w1: t2
    applyDone(s, 'w1', done('t2', 20), { ...options, now: 20 });
    // t1 (on w2 since model 0) has run 4 x the median 10 s by w1's clock (40): a straggler. But
    // t3 is ready and w1 is the only idle worker: it takes t3, no copy.
    s.workerModel['w1'] = 40;
    expect(plan(s, { ...options, now: 500 })).toEqual([
      {
        to: 'w1',
        type: 'task.assign',
        body: expect.objectContaining({ taskId: 't3', backup: false }) as unknown,
      },
    ]);
    expect(s.tasks['t1']!.backup).toBeUndefined();
  });
});
