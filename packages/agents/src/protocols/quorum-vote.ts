/**
 * Quorum vote: k reviewers judge a result; a strict majority of k decides. Pure functions
 * over a vote's state, so any team (and any leader taking over with the state rebuilt) counts
 * the same way. A vote ignores voters outside its electorate and second votes; a tie (k even,
 * all votes in, no majority) rejects, so a result stands only with a majority behind it. One
 * byzantine voter among k >= 3 is outvoted.
 */
export type Verdict = 'approve' | 'reject';

export interface QuorumOptions {
  /** Votes needed to decide either way. Default: a strict majority of the electorate,
   *  `floor(k / 2) + 1`. A lower quorum is a deliberately weak variant (`split-vote`). */
  quorum?: number | undefined;
}

/** One open vote. */
export interface VoteState {
  voteId: string;
  /** How many reviewers decide (k). */
  electorate: number;
  /** Who may vote (at most `electorate`; seats are filled as reviewers are asked). */
  reviewers: string[];
  votes: Record<string, Verdict>;
  decided?: Verdict | undefined;
}

export type CastOutcome =
  | {
      kind: 'ignored';
      reason: 'decided' | 'wrong-vote' | 'not-a-reviewer' | 'duplicate';
    }
  | { kind: 'pending'; approve: number; reject: number }
  | {
      kind: 'decided';
      verdict: Verdict;
      votes: Record<string, Verdict>;
      approve: number;
      reject: number;
      /** Reviewers disagreed (a traced sign of a faulty or byzantine reviewer). */
      disagreement: boolean;
    };

/** Votes that decide a vote of `electorate` reviewers. */
export function requiredVotes(electorate: number, options: QuorumOptions = {}): number {
  return options.quorum ?? Math.floor(electorate / 2) + 1;
}

export function openVote(voteId: string, electorate: number, reviewers: string[] = []): VoteState {
  return { voteId, electorate, reviewers: [...reviewers], votes: {} };
}

/**
 * The decision the votes so far make, if any: a verdict with `quorum` votes, or reject once
 * every reviewer voted without one (a tie).
 */
export function tally(
  votes: Record<string, Verdict>,
  electorate: number,
  options: QuorumOptions = {},
): { verdict: Verdict | undefined; approve: number; reject: number } {
  const values = Object.values(votes);
  const approve = values.filter((v) => v === 'approve').length;
  const reject = values.length - approve;
  const quorum = requiredVotes(electorate, options);
  const verdict =
    approve >= quorum
      ? 'approve'
      : reject >= quorum || values.length >= electorate
        ? 'reject'
        : undefined;
  return { verdict, approve, reject };
}

/** Records `voter`'s verdict on vote `voteId` (mutating `state`) and says what it changed. */
export function castVote(
  state: VoteState,
  voteId: string,
  voter: string,
  verdict: Verdict,
  options: QuorumOptions = {},
): CastOutcome {
  if (state.decided) return { kind: 'ignored', reason: 'decided' };
  if (voteId !== state.voteId) return { kind: 'ignored', reason: 'wrong-vote' };
  if (!state.reviewers.includes(voter)) return { kind: 'ignored', reason: 'not-a-reviewer' };
  if (voter in state.votes) return { kind: 'ignored', reason: 'duplicate' };
  state.votes[voter] = verdict;
  const t = tally(state.votes, state.electorate, options);
  if (!t.verdict) return { kind: 'pending', approve: t.approve, reject: t.reject };
  state.decided = t.verdict;
  return {
    kind: 'decided',
    verdict: t.verdict,
    votes: { ...state.votes },
    approve: t.approve,
    reject: t.reject,
    disagreement: t.approve > 0 && t.reject > 0,
  };
}
