import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assign, setup } from 'xstate';
import type { NatsConnection } from '@llm-teams/broker';
import {
  answerPeer,
  createAskLogic,
  hostBinding,
  QUESTION_TYPE,
  type AskOutcome,
  type QuestionBody,
} from '@llm-teams/agents';
import {
  createActorHost,
  createMemoryTrace,
  type ActorHost,
  type MessageEvent,
  type MessageInterceptor,
} from '@llm-teams/runtime';
import { startNatsFixture, until, type NatsFixture } from '@llm-teams/testkit';

/** Answers each question with its text reversed. */
const answerer = setup({
  types: { events: {} as MessageEvent<'question.ask', QuestionBody> },
}).createMachine({
  on: {
    [QUESTION_TYPE]: {
      actions: ({ event, system }) =>
        answerPeer(hostBinding(system), event.envelope, {
          text: [...event.body.text].reverse().join(''),
        }),
    },
  },
});

const asker = setup({
  types: {
    context: {} as { outcome: AskOutcome | undefined },
  },
  actors: { ask: createAskLogic() },
}).createMachine({
  context: { outcome: undefined },
  initial: 'asking',
  states: {
    asking: {
      invoke: {
        src: 'ask',
        input: () => ({
          to: 'oracle',
          body: { text: 'stressed' },
          options: {
            timeoutMs: 1200,
            attemptTimeoutMs: 200,
            backoff: { initialMs: 10, maxMs: 50 },
          },
        }),
        onDone: { target: 'done', actions: assign({ outcome: ({ event }) => event.output }) },
      },
    },
    done: {},
  },
});

function dropFirstQuestion(): MessageInterceptor & { dropped: number } {
  const state = {
    dropped: 0,
    outbound(env: { type: string; attempt: number }) {
      if (env.type === QUESTION_TYPE && env.attempt === 1) {
        state.dropped++;
        return { action: 'drop' as const, fault: 'drop' };
      }
      return undefined;
    },
  };
  return state;
}

describe('request / response between agents', () => {
  let nats: NatsFixture;
  let nc: NatsConnection;
  const hosts: ActorHost[] = [];
  beforeEach(async () => {
    nats = await startNatsFixture();
    nc = await nats.connect();
  });
  afterEach(async () => {
    for (const h of hosts.splice(0)) await h.close();
    await nats.close();
  });

  const outcomeOf = (a: { getSnapshot(): unknown }) =>
    (a.getSnapshot() as { context: { outcome: AskOutcome | undefined } }).context.outcome;

  it('a question whose first copy is lost is answered on a retry, once', async () => {
    const trace = createMemoryTrace();
    const interceptor = dropFirstQuestion();
    const host = await createActorHost({ nc, team: 'rr1', trace, interceptor, seed: 1 });
    hosts.push(host);
    await host.spawn('oracle', answerer);
    const a = await host.spawn('asker', asker);
    await until('an outcome', () => outcomeOf(a) !== undefined);
    expect(outcomeOf(a)).toMatchObject({
      kind: 'answered',
      from: 'oracle',
      body: { text: 'desserts' },
    });
    expect(interceptor.dropped).toBe(1);
    const asks = trace.events.filter((e) => e.kind === 'send' && e.type === QUESTION_TYPE);
    expect(asks.map((e) => (e as { attempt: number }).attempt)).toEqual([1, 2]);
  });

  it('a question nobody answers ends unanswered at its deadline (typed, not thrown)', async () => {
    const host = await createActorHost({ nc, team: 'rr2', seed: 2 });
    hosts.push(host);
    const a = await host.spawn('asker', asker);
    await until('an outcome', () => outcomeOf(a) !== undefined);
    expect(outcomeOf(a)).toMatchObject({ kind: 'unanswered', to: 'oracle' });
  });
});
