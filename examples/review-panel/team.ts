/**
 * A review panel: two proposers answer a question, three verifiers judge each answer, and a
 * chair runs a quorum vote per answer (strict majority of the three). One verifier is
 * byzantine: it rejects everything. It is outvoted, and every vote it joins shows as a
 * traced disagreement.
 */
import {
  defineTeam,
  llmAgent,
  quorumChair,
  type MemberDefinition,
  type VoteRequestBody,
} from '@llm-teams/agents';

const QUESTION = 'Which data structure gives O(1) average-time lookup by key?';

const proposer = (angle: string): MemberDefinition =>
  llmAgent({
    role: 'proposer',
    system: `You answer questions about algorithms ${angle}, in one sentence.`,
    onStart: () => `Question: ${QUESTION}\nPropose your answer.`,
    done: ({ text }, ctx) => ({
      to: 'chair',
      type: 'proposal.submit',
      body: { id: ctx.id, text },
    }),
  });

const verifier = (model?: string): MemberDefinition =>
  llmAgent({
    role: 'verifier',
    purpose: 'review',
    ...(model ? { model } : {}),
    system: 'You verify answers. Reply with one line: APPROVE or REJECT, then your reason.',
    onMessage: {
      'vote.request': ({ body }) => {
        const request = body as VoteRequestBody;
        return `Review proposal ${request.subject} for the question "${QUESTION}":\n${String(request.submission['text'])}`;
      },
    },
    done: ({ text, job }) => {
      if (job.kind !== 'message') return undefined;
      const { voteId } = job.body as VoteRequestBody;
      const verdict = /^\s*APPROVE\b/i.test(text) ? 'approve' : 'reject';
      return { to: job.from, type: 'vote.cast', body: { voteId, verdict, reason: text } };
    },
  });

export default defineTeam({
  name: 'review-panel',
  description: 'proposers and verifiers with a quorum; one verifier is byzantine',
  model: 'script:./panel.yaml',
  members: {
    p1: proposer('from the textbook'),
    p2: proposer('from practice'),
    v1: verifier(),
    v2: verifier(),
    // The byzantine verifier: its own script rejects whatever it is shown.
    v3: verifier('script:./byzantine.yaml'),
    chair: quorumChair({ voters: { role: 'verifier' }, reviewers: 3, expect: 2 }),
  },
  reliable: ['proposal.submit', 'vote.request', 'vote.cast'],
});
