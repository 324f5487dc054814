import { assign, setup } from 'xstate';
import { createEnvelope, type MessageEvent } from '@llm-teams/runtime';

/** An actor that adds up the `by` of every `count.add` it receives. */
export const counter = setup({
  types: { context: {} as { n: number }, events: {} as MessageEvent<'count.add', { by: number }> },
}).createMachine({
  context: { n: 0 },
  on: {
    'count.add': { actions: assign({ n: ({ context, event }) => context.n + event.body.by }) },
  },
});

/**
 * Well-formed `count.add` envelopes from `sender` to `counter` in `team`, with `patch` laid over
 * the envelope to make it bad in one way; `sentAt` stamps each one.
 */
export const countAdds =
  (team: string, sentAt: () => number = () => 0) =>
  (id: string, seq: number, patch: Record<string, unknown> = {}) => ({
    ...createEnvelope({
      id,
      team,
      from: 'sender',
      to: 'counter',
      type: 'count.add',
      lamport: seq,
      seq,
      attempt: 1,
      sentAt: sentAt(),
      body: { by: 1 },
    }),
    ...patch,
  });
