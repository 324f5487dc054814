import { describe, expect, it } from 'vitest';
import { applyDone, applyRecover, applySuspect, plan } from '@llm-teams/agents';
import { doneBody, planOptions, planState } from '../support/plan-state.js';

const options = planOptions;

describe('model start of assignments and reviews', () => {
  it('a dependent task starts in model time when its dependency was done, if its worker was free before', () => {
    const s = planState(
      [
        { id: 'a', deps: [] },
        { id: 'b', deps: ['a'] },
      ],
      ['w1', 'w2'],
    );
    applySuspect(s, 'w1');
    plan(s, options); // w2: a
    applyRecover(s, 'w1');
    applyDone(s, 'w2', doneBody('a', 30), options);
    // w1 has been free since 0; b became ready at 30.
    expect(plan(s, options)).toEqual([
      {
        to: 'w1',
        type: 'task.assign',
        body: { taskId: 'b', backup: false, epoch: 1, modelTime: 30 },
      },
    ]);
  });

  it('reviewers seated in an earlier plan keep their seats as more are added', () => {
    const o = { ...options, verify: 3 };
    const s = planState(
      [
        { id: 'a', deps: [] },
        { id: 'b', deps: [] },
      ],
      ['w1', 'w2', 'w3'],
    );
    plan(s, o); // w1: a, w2: b
    applyDone(s, 'w1', doneBody('a', 40), o);
    plan(s, o); // w3 reviews a
    applyDone(s, 'w2', doneBody('b', 30), o);
    plan(s, o); // w2 joins a's vote
    expect(s.tasks['a']!.reviewers).toEqual(['w3', 'w2']);
  });
});
