import { describe, expect, it } from 'vitest';
import { createActor, waitFor } from 'xstate';
import {
  createCoordinatorMachine,
  createTaskBoardProtocol,
  createTestRuntime,
  longestPathToEnd,
} from '@llm-teams/agents';
import { systemClock, type Envelope, type TracePayload } from '@llm-teams/runtime';

const fields = (r: TracePayload) => r as unknown as Record<string, unknown>;
import { createMemoryBoard } from '../support/memory-stores.js';

const suite = [
  { id: 'a', deps: [] },
  { id: 'b', deps: ['a'] },
  { id: 'c', deps: [] },
].map((t) => ({ ...t, title: t.id, spec: '', files: [], reference: {}, tests: {} }));

/** A coordinator on an in-memory board and a test runtime, elected at once with `epoch`
 *  (or, with `held`, when the test calls `elect`). */
async function coordinatorUnderTest(epoch: number, held = false) {
  let elect = () => undefined as void;
  const board = createMemoryBoard();
  await board.init(suite);
  const rt = createTestRuntime('coord1');
  const machine = createCoordinatorMachine({
    id: 'coord1',
    workers: ['w1', 'w2'],
    priority: longestPathToEnd(suite),
    protocol: createTaskBoardProtocol({
      board,
      agentId: 'coord1',
      now: () => Date.now(),
      leaseMs: 1000,
    }),
    election: ({ onAcquired }) => {
      elect = () => onAcquired(epoch);
      if (!held) queueMicrotask(elect);
      return { close: () => undefined };
    },
    clock: systemClock,
    timeScale: 0.01,
    leaseMs: 1000,
    tickMs: 10,
    maxAttempts: 3,
    stragglerFactor: 3,
    stragglerMinMs: 10_000,
    backups: false,
    tailBackups: false,
    verify: 0,
    binding: rt.binding,
  });
  return { actor: createActor(machine), board, rt, elect: () => elect() };
}

const assigned = (rt: ReturnType<typeof createTestRuntime>) =>
  rt.sent
    .filter((m) => m.type === 'task.assign')
    .map((m) => [m.to, (m.body as { taskId: string }).taskId]);

function message<T extends string, B>(type: T, body: B, from: string) {
  return { type, body, envelope: { from, to: 'coord1', type, body } as unknown as Envelope<B> };
}

describe('coordinator machine without NATS', () => {
  it('fences the board as it takes over, assigns critical path first, and ends the run when all is done', async () => {
    const { actor, board, rt } = await coordinatorUnderTest(3);
    actor.start();
    await waitFor(actor, (s) => s.matches('leading'));
    expect([...board.entries.values()].map((v) => v.entry.epoch)).toEqual([3, 3, 3]);
    const assigns = () => rt.sent.filter((m) => m.type === 'task.assign');
    expect(assigns().map((m) => [m.to, (m.body as { taskId: string }).taskId])).toEqual([
      ['w1', 'a'],
      ['w2', 'c'],
    ]);
    expect(assigns().every((m) => (m.body as { epoch: number }).epoch === 3)).toBe(true);
    for (const [w, t] of [
      ['w1', 'a'],
      ['w2', 'c'],
    ] as const)
      actor.send(message('task.done', { taskId: t, ok: true, modelTime: 10, backup: false }, w));
    expect(assigns().at(-1)).toMatchObject({ type: 'task.assign', body: { taskId: 'b' } });
    const to = assigns().at(-1)!.to;
    actor.send(message('task.done', { taskId: 'b', ok: true, modelTime: 20, backup: false }, to));
    await waitFor(actor, (s) => s.status === 'done');
    expect(actor.getSnapshot().context.outcome).toBe('completed');
    expect(rt.sent.at(-1)).toEqual({
      to: '#team',
      type: 'run.done',
      body: { status: 'completed', epoch: 3 },
    });
    expect(
      rt.records.map(fields).some((r) => r['name'] === 'leader.elected' && r['epoch'] === 3),
    ).toBe(true);
  });

  it('a worker suspected in standby and recovered while the board is read gets work as soon as it leads', async () => {
    const { actor, rt, elect } = await coordinatorUnderTest(3, true);
    actor.start();
    actor.send({ type: 'worker.suspected', worker: 'w1' });
    elect();
    expect(actor.getSnapshot().value).toBe('recovering');
    actor.send({ type: 'worker.recovered', worker: 'w1' });
    await waitFor(actor, (s) => s.matches('leading'));
    expect(assigned(rt)).toEqual([
      ['w1', 'a'],
      ['w2', 'c'],
    ]);
    actor.stop();
  });

  it('a report heard while the board is read is handled once leading: its task done, its worker free', async () => {
    const { actor, board, rt, elect } = await coordinatorUnderTest(3, true);
    // The last leader gave `a` to w1; the board still says so when this one reads it.
    const w1 = createTaskBoardProtocol({ board, agentId: 'w1', now: () => Date.now(), leaseMs: 1 });
    expect((await w1.recordAssignment('a', { backup: false, epoch: 1, redo: false })).ok).toBe(
      true,
    );
    actor.start();
    elect();
    expect(actor.getSnapshot().value).toBe('recovering');
    actor.send(message('task.done', { taskId: 'a', ok: true, modelTime: 10, backup: false }, 'w1'));
    await waitFor(actor, (s) => s.matches('leading'));
    // `c` to w2 on taking over; `b`, ready once `a` is done, to w1, free again.
    expect(assigned(rt)).toEqual([
      ['w2', 'c'],
      ['w1', 'b'],
    ]);
    actor.stop();
  });

  it('steps down when a worker says it has seen a newer epoch', async () => {
    const { actor, rt } = await coordinatorUnderTest(3);
    actor.start();
    await waitFor(actor, (s) => s.matches('leading'));
    actor.send(message('leader.fenced', { refused: 'task.assign', epoch: 3, seen: 8 }, 'w1'));
    expect(actor.getSnapshot().value).toBe('standby');
    expect(rt.records.map(fields).find((r) => r['name'] === 'leader.deposed')).toMatchObject({
      epoch: 3,
      by: 8,
    });
    actor.stop();
  });

  it('a leader elected with an epoch older than the board’s learns it is deposed and stays standby', async () => {
    const { actor, board, rt } = await coordinatorUnderTest(3);
    await createTaskBoardProtocol({
      board,
      agentId: 'coord2',
      now: () => Date.now(),
      leaseMs: 1,
    }).fenceAll(7);
    actor.start();
    await waitFor(actor, () => rt.records.map(fields).some((r) => r['name'] === 'leader.deposed'));
    expect(actor.getSnapshot().value).toBe('standby');
    expect(rt.sent.filter((m) => m.type === 'task.assign')).toEqual([]);
    actor.stop();
  });
});
