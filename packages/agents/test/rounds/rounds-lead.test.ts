import { describe, expect, it } from 'vitest';
import { createActor, waitFor } from 'xstate';
import {
  createRoundsLeadMachine,
  createTestRuntime,
  dealTasks,
  type RoundGo,
  type RoundStep,
} from '@llm-teams/agents';
import { systemClock, type Envelope, type TracePayload } from '@llm-teams/runtime';
import { createMemoryBoard } from '../support/memory-stores.js';

const fields = (r: TracePayload) => r as unknown as Record<string, unknown>;
const suite = ['a', 'b', 'c', 'd'].map((id) => ({
  id,
  deps: [],
  title: id,
  spec: '',
  files: [],
  reference: {},
  tests: {},
}));

function step(from: string, body: RoundStep) {
  const type = 'round.step' as const;
  return {
    type,
    body,
    envelope: { from, to: 'coord1', type, body } as unknown as Envelope<RoundStep>,
  };
}

async function leadUnderTest() {
  const board = createMemoryBoard();
  await board.init(suite);
  const rt = createTestRuntime('coord1');
  const actor = createActor(
    createRoundsLeadMachine({
      id: 'coord1',
      mode: 'preassign',
      workers: ['a1', 'a2'],
      order: ['a', 'b', 'c', 'd'],
      board,
      clock: systemClock,
      timeScale: 0,
      runStartMs: 0,
      binding: rt.binding,
    }),
  );
  const gos = (round: number) =>
    rt.sent.filter((m) => m.type === 'round.go' && (m.body as RoundGo).round === round);
  return { actor, board, rt, gos };
}

describe('rounds lead without NATS', () => {
  it('deals tasks round-robin in priority order', () => {
    expect(dealTasks(['a', 'b', 'c', 'd', 'e'], ['a1', 'a2'])).toEqual({
      a1: ['a', 'c', 'e'],
      a2: ['b', 'd'],
    });
  });

  it('starts the next round when every step is in, at the model time of the slowest, with the round s messages', async () => {
    const { actor, gos } = await leadUnderTest();
    actor.start();
    expect(gos(1).map((m) => [m.to, (m.body as RoundGo).assigned])).toEqual([
      ['a1', ['a', 'c']],
      ['a2', ['b', 'd']],
    ]);
    actor.send(
      step('a1', { round: 1, modelTime: 500, idle: false, messages: [{ from: 'a1', text: 'hi' }] }),
    );
    // One step is not enough: the round waits for a2.
    expect(gos(2)).toHaveLength(0);
    // A step of another round, or a second one of a1's, changes nothing.
    actor.send(step('a1', { round: 1, modelTime: 9000, idle: false, messages: [] }));
    actor.send(step('a2', { round: 1, modelTime: 800, idle: false, messages: [] }));
    await waitFor(actor, (s) => s.context.round === 2);
    const next = gos(2).map((m) => m.body as RoundGo);
    expect(next.map((g) => g.modelTime)).toEqual([800, 800]);
    expect(next.map((g) => g.messages)).toEqual([
      [{ from: 'a1', text: 'hi' }],
      [{ from: 'a1', text: 'hi' }],
    ]);
    // Dealt once: later rounds carry no assignment.
    expect(next.every((g) => g.assigned === undefined)).toBe(true);
    actor.stop();
  });

  it("deals a suspected worker's tasks to the others and reopens its claims", async () => {
    const { actor, board, rt, gos } = await leadUnderTest();
    await board.update('b', (e) => ({ ...e, status: 'claimed', owner: 'a2' }));
    actor.start();
    actor.send({ type: 'worker.suspected', worker: 'a2' });
    actor.send(step('a1', { round: 1, modelTime: 100, idle: false, messages: [] }));
    await waitFor(actor, (s) => s.context.round === 2);
    expect(gos(2).map((m) => [m.to, (m.body as RoundGo).assigned])).toEqual([
      ['a1', ['a', 'c', 'b', 'd']],
    ]);
    expect((await board.get('b'))?.entry).toMatchObject({ status: 'open' });
    expect(rt.records.map(fields).filter((r) => r['name'] === 'round.deal')).toHaveLength(2);
    actor.stop();
  });

  it('ends the run when the board is done, and fails it after rounds in which nobody worked', async () => {
    const done = await leadUnderTest();
    for (const t of suite) await done.board.update(t.id, (e) => ({ ...e, status: 'done' }));
    done.actor.start();
    for (const w of ['a1', 'a2'])
      done.actor.send(step(w, { round: 1, modelTime: 0, idle: true, messages: [] }));
    await waitFor(done.actor, (s) => s.status === 'done');
    expect(done.rt.sent.find((m) => m.type === 'run.done')?.body).toEqual({ status: 'completed' });

    const stuck = await leadUnderTest();
    stuck.actor.start();
    for (let round = 1; stuck.actor.getSnapshot().status === 'active'; round++) {
      await waitFor(stuck.actor, (s) => s.context.round === round || s.status === 'done');
      for (const w of ['a1', 'a2'])
        stuck.actor.send(step(w, { round, modelTime: 0, idle: true, messages: [] }));
      await waitFor(stuck.actor, (s) => s.context.round > round || s.status === 'done');
    }
    expect(stuck.rt.sent.find((m) => m.type === 'run.done')?.body).toEqual({ status: 'failed' });
  });
});
