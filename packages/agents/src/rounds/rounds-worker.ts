/**
 * A worker of the paper's harness (`rounds`, `rounds-claim`) as a statechart: it waits for the
 * lead's go, acts once (rounds-step.ts) and reports its step; the lead starts the next round
 * when every worker has.
 */
import { assign, fromPromise, setup } from 'xstate';
import type { MessageEvent } from '@llm-teams/runtime';
import { hostBinding, type RuntimeBinding } from '../protocols/runtime-binding.js';
import type { RoundGo, RoundStep } from './rounds-messages.js';
import {
  initialRoundsState,
  roundStep,
  type RoundsWorkerServices,
  type RoundsWorkerState,
} from './rounds-step.js';

export interface RoundsWorkerContext {
  state: RoundsWorkerState;
  go?: RoundGo | undefined;
}

type WorkerEvent =
  MessageEvent<'round.go', RoundGo> | MessageEvent<'run.done', unknown> | { type: 'run.stop' };

export function createRoundsWorkerMachine(s: RoundsWorkerServices & { binding?: RuntimeBinding }) {
  const bind = s.binding ?? hostBinding;
  return setup({
    types: { context: {} as RoundsWorkerContext, events: {} as WorkerEvent },
    actors: {
      step: fromPromise<
        { state: RoundsWorkerState; report: RoundStep },
        { state: RoundsWorkerState; go: RoundGo }
      >(({ input }) => roundStep(s, input.state, input.go)),
    },
  }).createMachine({
    id: 'rounds-worker',
    context: { state: initialRoundsState() },
    initial: 'waiting',
    on: { 'run.done': '.stopped', 'run.stop': '.stopped' },
    states: {
      waiting: {
        on: {
          'round.go': {
            // At-least-once delivery: a round already acted on is not acted on again.
            guard: ({ context, event }) => event.body.round > context.state.lastRound,
            target: 'acting',
            actions: assign({ go: ({ event }) => event.body }),
          },
        },
      },
      acting: {
        tags: ['busy'],
        invoke: {
          src: 'step',
          input: ({ context }) => ({ state: context.state, go: context.go! }),
          onDone: {
            target: 'waiting',
            actions: [
              assign(({ event }) => ({ state: event.output.state, go: undefined })),
              ({ event, system }) => bind(system).tell(s.lead, 'round.step', event.output.report),
            ],
          },
          onError: {
            // A failed step (the model gave up, KV unavailable) costs this worker its round,
            // not the team its run: the lead hears an idle step.
            target: 'waiting',
            actions: [
              ({ context, event, system }) => {
                const rt = bind(system);
                const go = context.go!;
                rt.record({
                  kind: 'mark',
                  name: 'round.step.failed',
                  round: go.round,
                  error: String(event.error),
                });
                const report: RoundStep = {
                  round: go.round,
                  modelTime: go.modelTime,
                  idle: true,
                  messages: [],
                };
                rt.tell(s.lead, 'round.step', report);
              },
              assign(({ context }) => ({
                state: { ...context.state, lastRound: context.go!.round },
                go: undefined,
              })),
            ],
          },
        },
      },
      stopped: { type: 'final' },
    },
  });
}
