import { assign, setup } from 'xstate';
import type { ActorRuntime, MessageEvent } from '@llm-teams/runtime';
import { hostBinding } from '../protocols/runtime-binding.js';
import {
  castVote,
  openVote,
  type QuorumOptions,
  type Verdict,
  type VoteState,
} from '../protocols/quorum-vote.js';
import { DIRECTOR, type MemberContext, type MemberDefinition } from './team-definition.js';

/** Messages of the quorum protocol as a team of your own speaks it. */
export interface SubmitBody {
  /** What is being decided (a proposal's id). */
  id: string;
  [field: string]: unknown;
}
export interface VoteRequestBody {
  voteId: string;
  subject: string;
  author: string;
  /** The submission, as sent. */
  submission: SubmitBody;
}
export interface VoteCastBody {
  voteId: string;
  verdict: Verdict;
  reason?: string;
}
export interface VoteDecidedBody {
  voteId: string;
  subject: string;
  verdict: Verdict;
  votes: Record<string, Verdict>;
}

export interface QuorumChairOptions {
  /** Who may review: member ids, or every member with a role. */
  voters: string[] | { role: string };
  /** Reviewers per vote (k), never the author. Default: every voter but the author. */
  reviewers?: number;
  /** The message type that submits something to a vote. Default `proposal.submit`. */
  submit?: string;
  /** End the run once this many subjects are decided: the chair sends the end message with
   *  `{ result: { decisions } }`. Default: never (the team ends otherwise). */
  expect?: number;
  quorum?: QuorumOptions;
  role?: string;
}

interface Open extends VoteState {
  subject: string;
  author: string;
}

interface ChairContext {
  votes: Record<string, Open>;
  decisions: Record<string, Verdict>;
  opened: number;
}

/** A submission opens a vote (unless its subject has one open): k reviewers are asked, in turn. */
function openSubmission(
  options: QuorumChairOptions,
  voters: readonly string[],
  rt: ActorRuntime,
  context: ChairContext,
  body: SubmitBody,
  author: string,
): Partial<ChairContext> {
  const voteId = `${body.id}#${context.opened + 1}`;
  if (Object.values(context.votes).some((v) => v.subject === body.id && !v.decided)) return {};
  const eligible = voters.filter((v) => v !== author);
  const k = Math.min(options.reviewers ?? eligible.length, eligible.length);
  // Seats in turn around the voters, so reviews spread evenly.
  const reviewers = Array.from(
    { length: k },
    (_, i) => eligible[(context.opened + i) % eligible.length]!,
  );
  rt.record({
    kind: 'mark',
    name: 'vote.open',
    voteId,
    taskId: body.id,
    electorate: k,
    author,
    reviewers,
  });
  const request: VoteRequestBody = {
    voteId,
    subject: body.id,
    author,
    submission: body,
  };
  for (const r of reviewers) rt.tell(r, 'vote.request', request);
  const vote: Open = { ...openVote(voteId, k, reviewers), subject: body.id, author };
  return { votes: { ...context.votes, [voteId]: vote }, opened: context.opened + 1 };
}

/** A cast vote is counted; once decided, the decision is marked and broadcast. */
function countVote(
  options: QuorumChairOptions,
  rt: ActorRuntime,
  context: ChairContext,
  body: VoteCastBody,
  voter: string,
): Partial<ChairContext> {
  const open = context.votes[body.voteId];
  if (!open) return {};
  const vote: Open = { ...open, votes: { ...open.votes } };
  const out = castVote(vote, body.voteId, voter, body.verdict, options.quorum);
  rt.record({
    kind: 'mark',
    name: 'vote.cast',
    voteId: body.voteId,
    taskId: vote.subject,
    voter,
    value: body.verdict,
    counted: out.kind !== 'ignored',
  });
  if (out.kind !== 'decided') return { votes: { ...context.votes, [body.voteId]: vote } };
  rt.record({
    kind: 'mark',
    name: 'vote.decided',
    voteId: body.voteId,
    taskId: vote.subject,
    outcome: out.verdict,
    votes: out.votes,
  });
  if (out.disagreement)
    rt.record({
      kind: 'mark',
      name: 'vote.disagreement',
      voteId: body.voteId,
      taskId: vote.subject,
      approve: out.approve,
      reject: out.reject,
    });
  const decided: VoteDecidedBody = {
    voteId: body.voteId,
    subject: vote.subject,
    verdict: out.verdict,
    votes: out.votes,
  };
  rt.broadcast('team', 'vote.decided', decided);
  const decisions = { ...context.decisions, [vote.subject]: out.verdict };
  if (options.expect !== undefined && Object.keys(decisions).length === options.expect)
    rt.tell(DIRECTOR, 'team.done', { result: { decisions } });
  return { votes: { ...context.votes, [body.voteId]: vote }, decisions };
}

/**
 * A chair running the quorum vote for a team of your own (`quorum-vote.ts`): each submission
 * (`proposal.submit`, body `{ id, ... }`) opens a vote; k reviewers other than the author are
 * asked in turn (`vote.request`); their `vote.cast` verdicts are counted; a strict majority
 * decides (`vote.decided`, broadcast on `team`), a tie rejects, a stranger's or a second vote
 * is ignored. Marks `vote.open`, `vote.cast`, `vote.decided`, `vote.disagreement` as the
 * built-in teams do. Its context is checkpointed, so a restarted chair resumes its votes.
 */
export function quorumChair(options: QuorumChairOptions): MemberDefinition {
  const submit = options.submit ?? 'proposal.submit';
  return {
    ...(options.role !== undefined ? { role: options.role } : {}),
    durable: true,
    logic: (ctx: MemberContext) => {
      const voters = Array.isArray(options.voters)
        ? options.voters
        : ctx.team.withRole(options.voters.role);
      return setup({
        types: {
          context: {} as ChairContext,
          events: {} as MessageEvent<string, SubmitBody> | MessageEvent<'vote.cast', VoteCastBody>,
        },
      }).createMachine({
        id: 'quorum-chair',
        context: { votes: {}, decisions: {}, opened: 0 },
        on: {
          [submit]: {
            actions: assign(({ context, event, system }) =>
              openSubmission(
                options,
                voters,
                hostBinding(system),
                context,
                event.body as SubmitBody,
                event.envelope.from,
              ),
            ),
          },
          'vote.cast': {
            actions: assign(({ context, event, system }) =>
              countVote(
                options,
                hostBinding(system),
                context,
                event.body as VoteCastBody,
                event.envelope.from,
              ),
            ),
          },
        },
      });
    },
  };
}
