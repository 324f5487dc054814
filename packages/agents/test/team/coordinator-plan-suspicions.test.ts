import { describe, expect, it } from 'vitest';
import { applyDone, applyRecover, applySuspect, applyUndelivered, plan } from '@llm-teams/agents';
import { doneBody, failBody, independent, planOptions, planState } from '../support/plan-state.js';

const options = planOptions;

describe('suspicions', () => {
  it("a suspected owner's task passes to its backup copy", () => {
    const s = planState(independent('a'), ['w1', 'w2']);
    plan(s, options);
    s.tasks['a']!.backup = 'w2';
    s.workers['w2'] = 'a';
    applySuspect(s, 'w1');
    expect(s.tasks['a']).toMatchObject({ status: 'assigned', owner: 'w2', backup: undefined });
    expect(s.workers).toEqual({ w1: null, w2: 'a' });
  });

  it("suspecting a worker leaves the tasks it finished done, and other workers' tasks with them", () => {
    const s = planState(independent('a', 'b'), ['w1', 'w2', 'w3']);
    plan(s, options); // w1: a, w2: b
    applyDone(s, 'w1', doneBody('a'), options);
    applySuspect(s, 'w1');
    applySuspect(s, 'w3');
    expect(s.tasks['a']).toMatchObject({ status: 'done', owner: 'w1' });
    expect(s.tasks['b']).toMatchObject({ status: 'assigned', owner: 'w2' });
  });

  it('recovering one worker leaves the others suspected', () => {
    const s = planState(independent('a'), ['w1', 'w2']);
    applySuspect(s, 'w1');
    applySuspect(s, 'w2');
    applyRecover(s, 'w1');
    expect(s.suspected).toEqual(['w2']);
  });
});

describe('undelivered work', () => {
  it("a lost backup copy does not count against the task's attempts", () => {
    const s = planState(independent('a'), ['w1', 'w2']);
    plan(s, options);
    s.tasks['a']!.backup = 'w2';
    s.workers['w2'] = 'a';
    applyUndelivered(s, 'w2', 'a');
    expect(s.tasks['a']).toMatchObject({ owner: 'w1', backup: undefined, attempts: 1 });
  });

  it('a lost assignment on a second attempt takes back only that attempt', () => {
    const s = planState(independent('a'), ['w1']);
    plan(s, options);
    applyDone(s, 'w1', failBody('a'), options);
    plan(s, options);
    expect(s.tasks['a']!.attempts).toBe(2);
    applyUndelivered(s, 'w1', 'a');
    expect(s.tasks['a']).toMatchObject({ status: 'pending', attempts: 1 });
  });

  it('a lost review request frees only its own seat', () => {
    const o = { ...options, verify: 2 };
    const s = planState(independent('a'), ['w1', 'w2', 'w3']);
    plan(s, o);
    applyDone(s, 'w1', doneBody('a'), o);
    plan(s, o); // w2 and w3 review a
    applyUndelivered(s, 'w2', 'review:a');
    expect(s.tasks['a']!.reviewers).toEqual(['w3']);
  });

  it('a lost assignment of a task found done meanwhile leaves it done', () => {
    // w2's copy found a done on the board before w1's assignment was reported lost.
    const s = planState(independent('a'), ['w1', 'w2']);
    plan(s, options);
    s.tasks['a']!.backup = 'w2';
    s.workers['w2'] = 'a';
    applyDone(s, 'w2', { ...failBody('a'), skip: { code: 'already-done' as const } }, options);
    expect(applyUndelivered(s, 'w1', 'a')).toBe(true);
    expect(s.tasks['a']).toMatchObject({ status: 'done', owner: 'w1', attempts: 1 });
    expect(s.workers).toEqual({ w1: null, w2: null });
  });
});
