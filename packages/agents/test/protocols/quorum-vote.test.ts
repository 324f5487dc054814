import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { castVote, openVote, requiredVotes, tally, type Verdict } from '@llm-teams/agents';

describe('quorum vote', () => {
  it('a strict majority of k decides: 2 of 3, 3 of 4, 3 of 5', () => {
    expect([3, 4, 5].map((k) => requiredVotes(k))).toEqual([2, 3, 3]);
    const v = openVote('t#1', 3, ['r1', 'r2', 'r3']);
    expect(castVote(v, 't#1', 'r1', 'approve')).toEqual({ kind: 'pending', approve: 1, reject: 0 });
    expect(castVote(v, 't#1', 'r2', 'approve')).toMatchObject({
      kind: 'decided',
      verdict: 'approve',
      approve: 2,
      reject: 0,
      disagreement: false,
    });
  });

  it('a byzantine reviewer is outvoted and the disagreement is reported', () => {
    const v = openVote('t#1', 3, ['honest1', 'liar', 'honest2']);
    castVote(v, 't#1', 'liar', 'reject');
    castVote(v, 't#1', 'honest1', 'approve');
    const out = castVote(v, 't#1', 'honest2', 'approve');
    expect(out).toMatchObject({ kind: 'decided', verdict: 'approve', disagreement: true });
    expect(v.decided).toBe('approve');
  });

  it('a tie rejects once every reviewer has voted (k even)', () => {
    const v = openVote('t#1', 2, ['r1', 'r2']);
    expect(castVote(v, 't#1', 'r1', 'approve').kind).toBe('pending');
    expect(castVote(v, 't#1', 'r2', 'reject')).toMatchObject({
      kind: 'decided',
      verdict: 'reject',
    });
    const four = openVote('t#2', 4, ['a', 'b', 'c', 'd']);
    for (const [r, x] of [
      ['a', 'approve'],
      ['b', 'approve'],
      ['c', 'reject'],
    ] as const)
      expect(castVote(four, 't#2', r, x).kind).toBe('pending');
    expect(castVote(four, 't#2', 'd', 'reject')).toMatchObject({ verdict: 'reject' });
  });

  it('ignores a stranger, a second vote, a vote on another vote id and votes after the decision', () => {
    const v = openVote('t#1', 3, ['r1', 'r2', 'r3']);
    expect(castVote(v, 't#1', 'mallory', 'approve')).toEqual({
      kind: 'ignored',
      reason: 'not-a-reviewer',
    });
    castVote(v, 't#1', 'r1', 'approve');
    expect(castVote(v, 't#1', 'r1', 'reject')).toEqual({ kind: 'ignored', reason: 'duplicate' });
    // A vote from before a leader change (the old vote id) does not count in the reopened vote.
    expect(castVote(v, 't#0', 'r2', 'approve')).toEqual({ kind: 'ignored', reason: 'wrong-vote' });
    castVote(v, 't#1', 'r2', 'approve');
    expect(castVote(v, 't#1', 'r3', 'reject')).toEqual({ kind: 'ignored', reason: 'decided' });
    expect(v.votes).toEqual({ r1: 'approve', r2: 'approve' });
  });

  it('a lower quorum (the weak variant) decides on a minority', () => {
    const v = openVote('t#1', 3, ['r1', 'r2', 'r3']);
    expect(castVote(v, 't#1', 'r1', 'reject', { quorum: 1 })).toMatchObject({
      kind: 'decided',
      verdict: 'reject',
    });
  });

  it('never decides against a majority, in any order of any votes (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 7 }).chain((k) =>
          fc.tuple(
            fc.constant(k),
            fc.shuffledSubarray(
              Array.from({ length: k }, (_, i) => i),
              { minLength: k, maxLength: k },
            ),
            fc.array(fc.constantFrom<Verdict>('approve', 'reject'), { minLength: k, maxLength: k }),
          ),
        ),
        ([k, order, verdicts]) => {
          const reviewers = verdicts.map((_, i) => `r${i}`);
          const v = openVote('x', k, reviewers);
          let decided: Verdict | undefined;
          for (const i of order) {
            const out = castVote(v, 'x', `r${i}`, verdicts[i]!);
            if (out.kind === 'decided') decided = out.verdict;
          }
          const approvals = verdicts.filter((x) => x === 'approve').length;
          // Every vote is in by the end: the decision is the majority's, ties reject.
          expect(decided).toBe(approvals > k / 2 ? 'approve' : 'reject');
          expect(tally(v.votes, k).verdict).toBe(decided);
        },
      ),
    );
  });

  it("a vote opened without reviewers takes no one's vote, and keeps its own copy of the list", () => {
    const open = openVote('v', 1);
    expect(open.reviewers).toEqual([]);
    expect(castVote(open, 'v', 'anyone', 'approve')).toEqual({
      kind: 'ignored',
      reason: 'not-a-reviewer',
    });
    const reviewers = ['r1'];
    const v = openVote('w', 1, reviewers);
    reviewers.push('r2');
    expect(castVote(v, 'w', 'r2', 'approve')).toMatchObject({ reason: 'not-a-reviewer' });
  });

  it('a unanimous rejection decides with every vote listed and no disagreement', () => {
    const v = openVote('t#3', 3, ['r1', 'r2', 'r3']);
    castVote(v, 't#3', 'r1', 'reject');
    expect(castVote(v, 't#3', 'r2', 'reject')).toEqual({
      kind: 'decided',
      verdict: 'reject',
      votes: { r1: 'reject', r2: 'reject' },
      approve: 0,
      reject: 2,
      disagreement: false,
    });
  });
});
