import { describe, expect, it } from 'vitest';
import { applyDone, plan, stateFromBoard } from '@llm-teams/agents';
import { doneBody, independent, planOptions, planState } from '../support/plan-state.js';

const options = planOptions;
const at = (now: number) => ({ ...options, now });

/**
 * b runs on w2 (from real time 1000, model time 5); a and c, 100 ms and 10 model s each, are
 * done, so w1 and w3 are spare at model 10. The real threshold is 2 x 2 x the 100 ms median =
 * 400 ms; in model time b (2 x 10 s = 20 s) is not late at the spare workers' clocks.
 */
function straggling() {
  const s = planState(independent('a', 'b', 'c'), ['w1', 'w2', 'w3']);
  s.workerModel['w2'] = 5;
  plan(s, at(1000)); // w1: a, w2: b, w3: c
  applyDone(s, 'w1', doneBody('a', 10), at(1100));
  applyDone(s, 'w3', doneBody('c', 10), at(1100));
  return s;
}

describe('straggler backups', () => {
  it('a task is a straggler once it has run longer than twice stragglerFactor median durations in real time', () => {
    const s = straggling();
    expect(plan(s, at(1400))).toEqual([]);
    expect(plan(s, at(1401))).toEqual([
      {
        to: 'w1',
        type: 'task.assign',
        body: { taskId: 'b', backup: true, epoch: 1, modelTime: 25 },
      },
    ]);
    expect(s.tasks['b']).toMatchObject({ owner: 'w2', backup: 'w1', status: 'assigned' });
    expect(s.workers['w1']).toBe('b');
  });

  it("the straggler's copy starts in model time when the task became late, if its worker was free before", () => {
    // w1 is free at model 10; b started at 5 and is late at 5 + 20 = 25.
    const s = straggling();
    const [copy] = plan(s, at(2000));
    expect(copy!.body).toMatchObject({ taskId: 'b', modelTime: 25 });
  });

  it('the straggling owner is marked slow by how many times the threshold median it has run', () => {
    const s = straggling();
    plan(s, at(1401));
    // In real time 401 ms over twice the 100 ms median; in model time 5 s over 10 s.
    expect(s.slow).toEqual({ w2: 401 / 200 });
  });

  it('a known slow worker is not given a copy; the next spare worker is', () => {
    const s = straggling();
    s.slow['w1'] = 3;
    expect(plan(s, at(1401)).map((m) => m.to)).toEqual(['w3']);
  });

  it('no straggler copies with backups off', () => {
    const s = straggling();
    expect(plan(s, { ...options, backups: false, now: 5000 })).toEqual([]);
    expect(s.tasks['b']!.backup).toBeUndefined();
  });

  it('no straggler copies before any task has completed: there is no median to compare with', () => {
    const s = planState(independent('a'), ['w1', 'w2']);
    plan(s, at(0));
    expect(plan(s, at(100_000))).toEqual([]);
  });

  it('the longest-running straggler gets the spare worker first', () => {
    // b (on w2) runs from 0; x, last by id, is given to w1 at 100: both are late at 1000.
    const s = planState(independent('x', 'a', 'b', 'c'), ['w1', 'w2', 'w3']);
    plan(s, at(0)); // w1: a, w2: b, w3: c
    applyDone(s, 'w1', doneBody('a', 10), at(100));
    plan(s, at(100)); // w1: x
    applyDone(s, 'w3', doneBody('c', 10), at(100));
    expect(plan(s, at(1000))).toEqual([
      {
        to: 'w3',
        type: 'task.assign',
        body: { taskId: 'b', backup: true, epoch: 1, modelTime: 20 },
      },
    ]);
  });

  it("in model time, a task is late once the spare worker's clock is past its start by more than stragglerFactor median durations", () => {
    // d starts on w1 at model 10 (after a); a, b, c took 10 model s each. Real time stays short.
    const s = planState(independent('a', 'b', 'c', 'd'), ['w1', 'w2', 'w3']);
    plan(s, at(0)); // w1: a, w2: b, w3: c
    applyDone(s, 'w1', doneBody('a', 10), at(1));
    plan(s, at(1)); // w1: d at model 10
    applyDone(s, 'w2', doneBody('b', 10), at(2));
    applyDone(s, 'w3', doneBody('c', 10), at(3));
    // w2 comes free at 30 (say, after a review): d has run 20 s, not more than 2 x 10.
    s.workerModel['w2'] = 30;
    expect(plan(s, at(4))).toEqual([]);
    s.workerModel['w2'] = 31;
    expect(plan(s, at(4))).toEqual([
      {
        to: 'w2',
        type: 'task.assign',
        body: { taskId: 'd', backup: true, epoch: 1, modelTime: 31 },
      },
    ]);
    // d's owner ran 21 s where the median is 10 (and 3 ms where the real threshold's median is 4).
    expect(s.slow).toEqual({ w1: 2.1 });
  });

  it('after a takeover, no task is late in model time until one this leader gave out has completed', () => {
    // a and b were claimed under the last leader: their model start is unknown, so their
    // completions give real durations only.
    type Board = Parameters<typeof stateFromBoard>[0];
    const board: Board = new Map(
      [
        { id: 'a', deps: [], claims: 1, owner: 'w1', status: 'claimed' as const },
        { id: 'b', deps: [], claims: 1, owner: 'w2', status: 'claimed' as const },
        { id: 'c', deps: [], claims: 0, status: 'open' as const },
      ].map((entry) => [entry.id, { entry, rev: 1 }]),
    );
    const s = stateFromBoard(board, new Map(), ['w1', 'w2', 'w3'], 0);
    plan(s, at(0)); // w3: c at model 0
    applyDone(s, 'w1', doneBody('a', 30), at(5));
    applyDone(s, 'w2', doneBody('b', 40), at(6));
    expect(s.durations).toEqual([5, 6]);
    expect(s.modelDurations).toEqual([]);
    // w1 and w2 are free at 30 and 40, long after c started at 0; only real time can call it late.
    expect(plan(s, at(7))).toEqual([]);
  });
});

describe("a worker's slow mark", () => {
  /** a on w1 (from 0), which is marked slow; these durations completed before, in this order. */
  function slowOwner(durations: number[]) {
    const s = planState(independent('a'), ['w1']);
    plan(s, at(0));
    s.slow['w1'] = 3;
    s.durations = [...durations];
    return s;
  }

  it('is cleared when the worker finishes within stragglerFactor median durations', () => {
    // 250 among 300, 100, 250: the median is 250.
    const s = slowOwner([300, 100]);
    applyDone(s, 'w1', doneBody('a'), at(250));
    expect(s.slow).toEqual({});
  });

  it('is cleared at exactly stragglerFactor median durations', () => {
    const s = slowOwner([100, 100]);
    applyDone(s, 'w1', doneBody('a'), at(200));
    expect(s.slow).toEqual({});
  });

  it('is kept when the worker is slower than that', () => {
    const s = slowOwner([100, 100]);
    applyDone(s, 'w1', doneBody('a'), at(201));
    expect(s.slow).toEqual({ w1: 3 });
  });
});
