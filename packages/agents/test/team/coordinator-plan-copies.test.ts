import { describe, expect, it } from 'vitest';
import { applyDone, applyUndelivered, plan } from '@llm-teams/agents';
import { doneBody, independent, planOptions, planState } from '../support/plan-state.js';

const options = planOptions;
const at = (now: number) => ({ ...options, now });
const tail = { ...options, tailBackups: true };
const copies = (sends: ReturnType<typeof plan>) => sends.map((m) => [m.to, m.body.taskId]);

describe('backup copies', () => {
  it('of two stragglers, the one given out first gets the spare worker', () => {
    // b from 100, x from 200 (after a): both are late at 1000 (over 4 x the 100 ms median).
    const s = planState(independent('a', 'b', 'c', 'x'), ['w1', 'w2', 'w3']);
    plan(s, at(100)); // w1: a, w2: b, w3: c
    applyDone(s, 'w1', doneBody('a', 10), at(200));
    plan(s, at(200)); // w1: x
    applyDone(s, 'w3', doneBody('c', 10), at(200));
    expect(copies(plan(s, at(1000)))).toEqual([['w3', 'b']]);
  });

  it('at the tail, the task that has run longest in model time gets the spare worker', () => {
    // a from 4, b from 2, c from 6; d (on w4, from 0) took 10.
    const s = planState(independent('a', 'b', 'c', 'd'), ['w1', 'w2', 'w3', 'w4']);
    s.workerModel['w1'] = 4;
    s.workerModel['w2'] = 2;
    s.workerModel['w3'] = 6;
    plan(s, tail);
    applyDone(s, 'w4', doneBody('d', 10), tail);
    expect(copies(plan(s, tail))).toEqual([['w4', 'b']]);
  });

  it('done tasks get no tail copy', () => {
    // a and c are done (by w1 and w3, at 10); b runs on w2 from 0.
    const s = planState(independent('a', 'b', 'c'), ['w1', 'w2', 'w3']);
    plan(s, tail);
    applyDone(s, 'w1', doneBody('a', 10), tail);
    applyDone(s, 'w3', doneBody('c', 10), tail);
    expect(copies(plan(s, tail))).toEqual([['w1', 'b']]);
  });

  it("a lost assignment whose task has a copy running passes it to the copy's worker, the attempt still counted", () => {
    const s = planState(independent('a'), ['w1', 'w2']);
    plan(s, options);
    s.tasks['a']!.backup = 'w2';
    s.workers['w2'] = 'a';
    expect(applyUndelivered(s, 'w1', 'a')).toBe(true);
    expect(s.tasks['a']).toMatchObject({ status: 'assigned', owner: 'w2', attempts: 1 });
  });
});
