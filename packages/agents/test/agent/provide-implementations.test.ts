import { describe, expect, it } from 'vitest';
import { assign, createActor, fromPromise, setup, waitFor } from 'xstate';
import { provideImplementations } from '../../src/agent/provide-implementations.js';

/** A chart whose every step is a named implementation: a guard, a delay, an actor, actions. */
const chart = setup({
  types: { context: {} as { log: string[] }, events: {} as { type: 'go' } },
  actors: { work: fromPromise<string>(() => Promise.resolve('stub')) },
  guards: { allowed: () => false },
  delays: { pause: 1_000_000 },
  actions: { note: () => undefined },
}).createMachine({
  context: { log: [] },
  initial: 'idle',
  states: {
    idle: { on: { go: { guard: 'allowed', target: 'working' } } },
    working: {
      invoke: {
        src: 'work',
        onDone: {
          target: 'waiting',
          actions: [
            'note',
            assign({ log: ({ context, event }) => [...context.log, event.output] }),
          ],
        },
      },
    },
    waiting: { after: { pause: 'done' } },
    done: { type: 'final' },
  },
});

function provided(name: string, notes: string[]) {
  return provideImplementations(chart)({
    actors: { work: fromPromise<string>(() => Promise.resolve(name)) },
    guards: { allowed: () => true },
    delays: { pause: 0 },
    actions: { note: () => void notes.push(name) },
  });
}

describe('provideImplementations', () => {
  it('gives each machine made from one chart its own implementations', async () => {
    const notes: string[] = [];
    const actors = ['a1', 'a2'].map((name) => createActor(provided(name, notes)).start());
    for (const a of actors) a.send({ type: 'go' });
    const done = await Promise.all(actors.map((a) => waitFor(a, (s) => s.status === 'done')));
    expect(done.map((s) => s.context.log)).toEqual([['a1'], ['a2']]);
    expect(notes.sort()).toEqual(['a1', 'a2']);
    // The chart itself is unchanged: its guard still refuses.
    const plain = createActor(chart).start();
    plain.send({ type: 'go' });
    expect(plain.getSnapshot().value).toBe('idle');
  });

  it('restores a persisted snapshot with its own implementations', async () => {
    const notes: string[] = [];
    const machine = provided('restored', notes);
    const first = createActor(machine).start();
    first.send({ type: 'go' });
    const persisted = first.getPersistedSnapshot();
    first.stop();
    const again = createActor(machine, { snapshot: persisted }).start();
    const done = await waitFor(again, (s) => s.status === 'done');
    expect(done.context.log).toEqual(['restored']);
  });
});
