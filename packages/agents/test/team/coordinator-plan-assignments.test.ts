import { describe, expect, it } from 'vitest';
import { applyDone, applySuspect, blocked, plan, readyByPriority } from '@llm-teams/agents';
import { doneBody, failBody, independent, planOptions, planState } from '../support/plan-state.js';

const options = planOptions;
const taskIds = (sends: ReturnType<typeof plan>) => sends.map((m) => [m.to, m.body.taskId]);

describe('assignments', () => {
  it('an assignment names the task, is no backup copy, and carries the epoch and its model start', () => {
    const s = planState(independent('a'), ['w1']);
    s.workerModel['w1'] = 7;
    expect(plan(s, { ...options, epoch: 4 })).toEqual([
      {
        to: 'w1',
        type: 'task.assign',
        body: { taskId: 'a', backup: false, epoch: 4, modelTime: 7 },
      },
    ]);
  });

  it('idle workers take ready tasks in the order of their ids, whatever the roster order', () => {
    const s = planState(independent('a', 'b'), ['w2', 'w1']);
    expect(taskIds(plan(s, options))).toEqual([
      ['w1', 'a'],
      ['w2', 'b'],
    ]);
  });

  it('with model-time order, idle workers free at the same model time take ready tasks by id', () => {
    const s = planState(independent('a', 'b', 'c'), ['w3', 'w1', 'w2']);
    expect(taskIds(plan(s, { ...options, modelTimeOrder: true }))).toEqual([
      ['w1', 'a'],
      ['w2', 'b'],
      ['w3', 'c'],
    ]);
  });

  it('the most critical ready task goes first even when its id sorts last', () => {
    const s = planState(
      [
        { id: 'a', deps: [] },
        { id: 'z1', deps: [] },
        { id: 'z2', deps: ['z1'] },
      ],
      ['w1'],
    );
    expect(readyByPriority(s)).toEqual(['z1', 'a']);
    expect(taskIds(plan(s, options))).toEqual([['w1', 'z1']]);
  });

  it('ready tasks of equal priority come by id, whatever their order in the plan', () => {
    const s = planState(independent('c', 'b', 'a'), ['w1']);
    expect(readyByPriority(s)).toEqual(['a', 'b', 'c']);
  });

  describe('a slow worker', () => {
    /** w2 is twice as slow as the median, w3 is suspected; w1 and w4 are the fast workers. */
    function withSlowWorker(ready: number) {
      const ids = Array.from({ length: ready }, (_, i) => `t${i + 1}`);
      const s = planState(independent(...ids), ['w1', 'w2', 'w3', 'w4']);
      s.slow['w2'] = 2;
      applySuspect(s, 'w3');
      return s;
    }

    it('gets no task when the fast workers can do the ready work in as many rounds as it is slower', () => {
      // After w1's task, 4 are left: 2 fast workers need 2 rounds, no more than w2's factor.
      expect(taskIds(plan(withSlowWorker(5), options))).toEqual([
        ['w1', 't1'],
        ['w4', 't2'],
      ]);
    });

    it('gets a task when the fast workers would need more rounds than that', () => {
      expect(taskIds(plan(withSlowWorker(6), options))).toEqual([
        ['w1', 't1'],
        ['w2', 't2'],
        ['w4', 't3'],
      ]);
    });
  });
});

describe('backups at the tail: which task', () => {
  const tail = { ...options, tailBackups: true };

  /** Tasks assigned to w1, w2, w3 from these model times on; d (from 0) took 10 model s. */
  function running(tasks: { id: string; deps: string[] }[], starts: number[]) {
    const s = planState([...tasks, { id: 'd', deps: [] }], ['w1', 'w2', 'w3', 'w4']);
    starts.forEach((start, i) => (s.workerModel[`w${i + 1}`] = start));
    plan(s, tail);
    applyDone(s, s.tasks['d']!.owner!, doneBody('d', 10), tail);
    return s;
  }
  const copied = (s: ReturnType<typeof running>) =>
    plan(s, tail).map((m) => [m.to, m.body.taskId, m.type === 'task.assign' && m.body.backup]);

  it('the longest-running task gets the spare worker first', () => {
    const s = running(independent('a', 'b', 'c'), [2, 2, 0]);
    expect(copied(s)).toEqual([['w4', 'c', true]]);
  });

  it('of tasks running as long, the most critical first', () => {
    const s = running([...independent('a', 'b'), { id: 'e', deps: ['b'] }], [0, 0, 0]);
    // b (priority 2) went to w1, a to w2, d to w3; e waits for b. w3 is free at 10, w4 at 0.
    expect(s.tasks['b']!.owner).toBe('w1');
    expect(copied(s)).toEqual([['w3', 'b', true]]);
  });

  it('of tasks running as long and as critical, the first by id', () => {
    const s = running(independent('b', 'a', 'c'), [0, 0, 0]);
    expect(copied(s)).toEqual([['w4', 'a', true]]);
  });

  it('a task is copied only once it has run more than half the median duration', () => {
    // b took 10; a (from 5) has run exactly 5 when b's worker is free at 10.
    const s = planState(independent('a', 'b'), ['w1', 'w2']);
    s.workerModel['w1'] = 5;
    plan(s, tail); // w1: a, w2: b
    applyDone(s, 'w2', doneBody('b', 10), tail);
    expect(plan(s, tail)).toEqual([]);
  });

  it('no tail copies before any task has completed: there is no median to compare with', () => {
    // b fails for good on its only attempt, at model 5: w2 is spare, a has run 5 there.
    const once = { ...tail, maxAttempts: 1 };
    const s = planState(independent('a', 'b'), ['w1', 'w2']);
    plan(s, once);
    applyDone(s, 'w2', failBody('b', 5), once);
    expect(s.tasks['b']!.status).toBe('failed');
    expect(plan(s, once)).toEqual([]);
  });
});

describe('blocked', () => {
  it('a failure blocks the tasks that depend on it however far down, in any order', () => {
    const s = planState(
      [
        { id: 'c', deps: ['b'] },
        { id: 'b', deps: ['a'] },
        { id: 'a', deps: [] },
      ],
      ['w1'],
    );
    s.tasks['a']!.status = 'failed';
    expect(blocked(s)).toBe(true);
  });

  it('a done task does not pass on a failure of its dependency to its dependents', () => {
    // b was done before a's result was voted down for good (a vote re-opened on a takeover):
    // c depends only on b and can still run.
    const s = planState(
      [
        { id: 'a', deps: [] },
        { id: 'b', deps: ['a'] },
        { id: 'c', deps: ['b'] },
      ],
      ['w1'],
    );
    s.tasks['a']!.status = 'failed';
    s.tasks['b']!.status = 'done';
    expect(blocked(s)).toBe(false);
  });
});
