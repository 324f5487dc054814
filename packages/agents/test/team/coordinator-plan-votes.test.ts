import { describe, expect, it } from 'vitest';
import { doneBody, planOptions, planState } from '../support/plan-state.js';
import { allSettled, applyDone, applyVote, blocked, plan } from '@llm-teams/agents';

const options = planOptions;
const state = planState;

describe('coordinator planning: verification votes', () => {
  const o = { ...options, verify: 3 };
  /** a done by w1, reviewed by w2, w3, w4. */
  function verifying() {
    const s = state([{ id: 'a', deps: [] }], ['w1', 'w2', 'w3', 'w4']);
    plan(s, o);
    applyDone(s, 'w1', doneBody('a', 10), o);
    plan(s, o);
    return { s, voteId: s.tasks['a']!.voteId! };
  }
  const vote = (voteId: string, value: 'approve' | 'reject', modelTime = 20) => ({
    taskId: 'a',
    voteId,
    value,
    modelTime,
  });

  it('a result is approved by a strict majority; the decision is marked with the votes', () => {
    const { s, voteId } = verifying();
    expect(voteId).toBe('a#1');
    expect(s.marks).toEqual([
      { name: 'vote.open', data: { voteId, taskId: 'a', electorate: 3, author: 'w1' } },
    ]);
    applyVote(s, 'w2', vote(voteId, 'approve'), o);
    expect(s.tasks['a']!.status).toBe('verifying');
    applyVote(s, 'w3', vote(voteId, 'approve', 30), o);
    expect(s.tasks['a']).toMatchObject({ status: 'done', owner: 'w1', voteId: undefined });
    expect(s.tasks['a']!.redo).toBeUndefined();
    expect(s.marks.slice(1)).toEqual([
      {
        name: 'vote.decided',
        data: {
          voteId,
          taskId: 'a',
          outcome: 'approve',
          votes: { w2: 'approve', w3: 'approve' },
        },
      },
    ]);
    // The reviewers are free again, their clocks where their votes left them.
    expect(s.workers).toMatchObject({ w2: null, w3: null, w4: 'review:a' });
    expect(s.workerModel).toMatchObject({ w2: 20, w3: 30 });
    expect(s.modelNow).toBe(30);
    expect(allSettled(s)).toBe(true);
  });

  it('a split decision is marked as a disagreement', () => {
    const { s, voteId } = verifying();
    applyVote(s, 'w2', vote(voteId, 'approve'), o);
    applyVote(s, 'w3', vote(voteId, 'reject'), o);
    expect(s.tasks['a']!.status).toBe('verifying');
    applyVote(s, 'w4', vote(voteId, 'approve'), o);
    expect(s.tasks['a']!.status).toBe('done');
    expect(s.marks.map((m) => m.name)).toEqual(['vote.open', 'vote.decided', 'vote.disagreement']);
    expect(s.marks[2]!.data).toEqual({ voteId, taskId: 'a', approve: 2, reject: 1 });
  });

  it('a second vote by one reviewer, a vote on a stale vote id and a vote by a non-reviewer are ignored', () => {
    const { s, voteId } = verifying();
    applyVote(s, 'w2', vote(voteId, 'reject'), o);
    // Twice the same reviewer: still one vote.
    applyVote(s, 'w2', vote(voteId, 'reject'), o);
    expect(s.tasks['a']!.votes).toEqual({ w2: 'reject' });
    expect(s.tasks['a']!.status).toBe('verifying');
    // A vote from an earlier round of the same task.
    applyVote(s, 'w3', vote('a#0', 'reject'), o);
    // A worker that was never asked.
    applyVote(s, 'w1', vote(voteId, 'reject'), o);
    expect(s.tasks['a']!.votes).toEqual({ w2: 'reject' });
    expect(s.tasks['a']!.status).toBe('verifying');
    expect(s.marks.map((m) => m.name)).toEqual(['vote.open']);
    // The stale voter's seat is freed all the same: its review is over.
    expect(s.workers['w3']).toBeNull();
  });

  it('a vote after the decision changes nothing', () => {
    const { s, voteId } = verifying();
    applyVote(s, 'w2', vote(voteId, 'approve'), o);
    applyVote(s, 'w3', vote(voteId, 'approve'), o);
    applyVote(s, 'w4', vote(voteId, 'reject'), o);
    expect(s.tasks['a']!.status).toBe('done');
    expect(s.tasks['a']!.votes).toEqual({ w2: 'approve', w3: 'approve' });
    expect(s.marks.map((m) => m.name)).toEqual(['vote.open', 'vote.decided']);
  });

  it('a rejected result on the last attempt fails the task for good', () => {
    const last = { ...o, maxAttempts: 1 };
    const s = state([{ id: 'a', deps: [] }], ['w1', 'w2', 'w3', 'w4']);
    plan(s, last);
    applyDone(s, 'w1', doneBody('a'), last);
    plan(s, last);
    const voteId = s.tasks['a']!.voteId!;
    applyVote(s, 'w2', vote(voteId, 'reject'), last);
    applyVote(s, 'w3', vote(voteId, 'reject'), last);
    expect(s.tasks['a']).toMatchObject({ status: 'failed', owner: undefined, redo: true });
    expect(blocked(s)).toBe(true);
  });

  it('reviewers are idle workers other than the author, and start when both are ready', () => {
    const s = state(
      [
        { id: 'a', deps: [] },
        { id: 'b', deps: [] },
      ],
      ['w1', 'w2', 'w3'],
    );
    plan(s, o); // w1: a, w2: b
    s.workerModel['w3'] = 50;
    applyDone(s, 'w1', doneBody('a', 40), o);
    const reviews = plan(s, o);
    // w2 is busy on b: only w3 can review now; the author never reviews its own result.
    expect(reviews).toEqual([
      {
        to: 'w3',
        type: 'task.review',
        body: { taskId: 'a', voteId: 'a#1', epoch: 1, modelTime: 50 },
      },
    ]);
    expect(s.tasks['a']!.reviewers).toEqual(['w3']);
    expect(s.workers['w3']).toBe('review:a');
    applyDone(s, 'w2', doneBody('b', 30), o);
    const more = plan(s, o);
    // w2 joins a's vote (its clock 30 is before a's result at 40); w1 reviews b (its clock 40
    // is after b's result at 30).
    expect(more.filter((m) => m.type === 'task.review')).toEqual([
      {
        to: 'w2',
        type: 'task.review',
        body: { taskId: 'a', voteId: 'a#1', epoch: 1, modelTime: 40 },
      },
      {
        to: 'w1',
        type: 'task.review',
        body: { taskId: 'b', voteId: 'b#1', epoch: 1, modelTime: 40 },
      },
    ]);
  });
});
