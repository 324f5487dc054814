import { describe, expect, it } from 'vitest';
import { doneBody, planOptions, planState } from '../support/plan-state.js';
import { applyDone, plan } from '@llm-teams/agents';

const options = planOptions;
const state = planState;

describe('coordinator planning: backups at the tail', () => {
  const tail = { ...options, tailBackups: true };
  /** b took 10 s of model time; a (on w1) was assigned at model 0 and still runs. */
  function tailState() {
    const s = state(
      [
        { id: 'a', deps: [] },
        { id: 'b', deps: [] },
      ],
      ['w1', 'w2', 'w3'],
    );
    plan(s, { ...tail, now: 0 }); // w1: a, w2: b
    applyDone(s, 'w2', doneBody('b', 10), { ...tail, now: 1 });
    return s;
  }

  it('with nothing ready, a spare worker backs up a task running past half the median duration', () => {
    const s = tailState();
    // w3 is free at model 4: a has run 4 < 5 there. w2 is free at 10: 10 > 5.
    s.workerModel['w3'] = 4;
    const sends = plan(s, { ...tail, now: 2 });
    expect(sends).toEqual([
      {
        to: 'w2',
        type: 'task.assign',
        body: { taskId: 'a', backup: true, epoch: 1, modelTime: 10 },
      },
    ]);
    expect(s.tasks['a']).toMatchObject({ owner: 'w1', backup: 'w2' });
    expect(s.workers['w2']).toBe('a');
    // One copy is enough.
    expect(plan(s, { ...tail, now: 3 })).toEqual([]);
  });

  it('the copy starts once the task is past half the median, at the earliest', () => {
    const s = tailState();
    s.workerModel['w2'] = 0;
    s.workerModel['w3'] = 6;
    const sends = plan(s, { ...tail, now: 2 });
    expect(sends).toEqual([
      {
        to: 'w3',
        type: 'task.assign',
        body: { taskId: 'a', backup: true, epoch: 1, modelTime: 6 },
      },
    ]);
    s.tasks['a']!.assignedModel = 2;
    s.tasks['a']!.backup = undefined;
    s.workers['w3'] = null;
    s.workerModel['w3'] = 7.5;
    expect(plan(s, { ...tail, now: 2 })[0]!.body).toMatchObject({ modelTime: 7.5 });
  });

  it('no tail copies without tailBackups, without backups, or on a known straggler', () => {
    const off = tailState();
    expect(plan(off, { ...options, now: 2 })).toEqual([]);
    expect(plan(tailState(), { ...tail, backups: false, now: 2 })).toEqual([]);
    const slow = tailState();
    slow.slow = { w2: 3, w3: 3 };
    slow.workerModel['w3'] = 20;
    expect(plan(slow, { ...tail, now: 2 })).toEqual([]);
  });
});
