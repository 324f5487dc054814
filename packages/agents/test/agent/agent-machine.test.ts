import { describe, expect, it } from 'vitest';
import { createActor, waitFor } from 'xstate';
import {
  createAgentMachine,
  createModelClient,
  createTaskBoardProtocol,
  createTestRuntime,
  createToolExecutor,
  DEFAULT_AGENT_LIMITS,
  type AgentServices,
  type ModelClient,
  type TaskSpec,
} from '@llm-teams/agents';
import { createRandom, type Envelope, type TracePayload } from '@llm-teams/runtime';
import {
  createMemoryBoard,
  createMemoryWorkspace,
  createReferenceRunner,
} from '../support/memory-stores.js';
import { makeTask } from '../support/sim-driver.js';

/** One agent wired as the team runner wires it, but on in-memory stores and a test runtime. */
async function agentUnderTest(
  arch: AgentServices['arch'],
  suite: TaskSpec[],
  fencing = true,
  stuck = false,
) {
  const agentId = 'a1';
  const tasks = new Map(suite.map((t) => [t.id, t]));
  const board = createMemoryBoard();
  await board.init(suite);
  const workspace = createMemoryWorkspace();
  const rt = createTestRuntime(agentId);
  const protocol = createTaskBoardProtocol({
    board,
    agentId,
    now: () => Date.now(),
    leaseMs: 30_000,
    record: (p) => rt.record(p),
    fencing,
  });
  const model: ModelClient = stuck
    ? {
        // A model that never answers: the agent stays at work until something stops it.
        id: 'stuck',
        call: (_request, options) =>
          new Promise((_resolve, reject) =>
            options?.signal?.addEventListener('abort', () => reject(new Error('aborted'))),
          ),
        close: () => Promise.resolve(),
      }
    : createModelClient('sim:gpt-5.2', {
        seed: 1,
        timeScale: 0,
        sim: { mistakeRate: 0, oracle: { task: (id) => tasks.get(id) } },
      });
  const executor = createToolExecutor({
    agentId,
    tasks,
    workspace,
    board,
    runner: createReferenceRunner(),
    record: (p) => rt.record(p),
    now: () => Date.now(),
    message: () => undefined,
    ...(arch === 'centralized' ? {} : { claim: (id: string) => protocol.claim(id) }),
    complete: (id, session) => protocol.complete(id, { modelTime: session.modelNow }),
  });
  const machine = createAgentMachine({
    agentId,
    arch,
    tasks,
    priority: new Map(suite.map((t) => [t.id, 1])),
    teammates: [],
    coordinators: arch === 'centralized' ? ['coord1', 'coord2'] : [],
    model,
    executor,
    protocol,
    workspace,
    random: createRandom('1'),
    limits: { ...DEFAULT_AGENT_LIMITS, pollMs: 5 },
    timeScale: 0,
    runStartMs: Date.now(),
    record: (p) => rt.record(p),
    now: () => Date.now(),
    binding: rt.binding,
    fencing,
  });
  const actor = createActor(machine, { input: { agentId } });
  return { actor, board, workspace, rt, model };
}

/** A message event as the host delivers it. */
function message<T extends string, B>(type: T, body: B, from = 'coord1') {
  return { type, body, envelope: { from, to: 'a1', type, body } as unknown as Envelope<B> };
}

const fields = (r: TracePayload) => r as unknown as Record<string, unknown>;

const phases = (rt: ReturnType<typeof createTestRuntime>, taskId: string) =>
  rt.records
    .map(fields)
    .filter((r) => r['kind'] === 'task' && r['taskId'] === taskId)
    .map((r) => r['phase']);

describe('agent machine without NATS', () => {
  it('a self-claiming agent claims, works and completes a chain, then stops when the board is done', async () => {
    const { actor, board, workspace, rt, model } = await agentUnderTest('decentralized', [
      makeTask('t1'),
      makeTask('t2', ['t1']),
    ]);
    actor.start();
    await waitFor(actor, (s) => s.status === 'done', { timeout: 20_000 });
    expect([...board.entries.values()].map((v) => v.entry.status)).toEqual(['done', 'done']);
    expect(workspace.files.get('src/t2.js')?.author).toBe('a1');
    expect(phases(rt, 't1')).toEqual(['claim', 'claim', 'start', 'done']);
    expect(rt.records.map(fields).some((r) => r['name'] === 'board.claim')).toBe(true);
    // Nobody to report to: no coordinators, no teammates.
    expect(rt.sent).toEqual([]);
    await model.close();
  });

  it('a led worker records its assignment with the leader’s epoch and reports to every coordinator', async () => {
    const { actor, board, rt, model } = await agentUnderTest('centralized', [makeTask('t1')]);
    actor.start();
    actor.send(message('task.assign', { taskId: 't1', backup: false, epoch: 5, modelTime: 0 }));
    await waitFor(actor, () => rt.sent.some((m) => m.type === 'task.done'), { timeout: 20_000 });
    expect(rt.sent.filter((m) => m.type === 'task.done').map((m) => m.to)).toEqual([
      'coord1',
      'coord2',
    ]);
    expect(board.entries.get('t1')?.entry).toMatchObject({ status: 'done', owner: 'a1', epoch: 5 });
    expect(actor.getSnapshot().context.leaderEpoch).toBe(5);
    actor.stop();
    await model.close();
  });

  it('refuses a command from a deposed leader, traces it and tells the sender', async () => {
    const { actor, board, rt, model } = await agentUnderTest('centralized', [
      makeTask('t1'),
      makeTask('t2'),
    ]);
    actor.start();
    actor.send(
      message('task.assign', { taskId: 't1', backup: false, epoch: 9, modelTime: 0 }, 'coord2'),
    );
    await waitFor(actor, () => rt.sent.some((m) => m.type === 'task.done'), { timeout: 20_000 });
    // The old leader (epoch 4) wakes up and gives out t2, and cancels t1.
    actor.send(message('task.assign', { taskId: 't2', backup: false, epoch: 4, modelTime: 0 }));
    actor.send(message('task.cancel', { taskId: 't1', reason: 'stale', epoch: 4 }));
    const refused = rt.records.map(fields).filter((r) => r['name'] === 'fence.refused');
    expect(refused.map((r) => [r['messageType'], r['epoch'], r['seen']])).toEqual([
      ['task.assign', 4, 9],
      ['task.cancel', 4, 9],
    ]);
    expect(rt.sent.filter((m) => m.type === 'leader.fenced')).toEqual([
      {
        to: 'coord1',
        type: 'leader.fenced',
        body: { refused: 'task.assign', epoch: 4, seen: 9, taskId: 't2' },
      },
      {
        to: 'coord1',
        type: 'leader.fenced',
        body: { refused: 'task.cancel', epoch: 4, seen: 9, taskId: 't1' },
      },
    ]);
    expect(actor.getSnapshot().context.queue).toEqual([]);
    expect(board.entries.get('t2')?.entry.status).toBe('open');
    actor.stop();
    await model.close();
  });

  it('a cancellation from a leader it has not heard was deposed stops the task, but the board refuses the release; the current leader is told', async () => {
    const { actor, board, rt, model } = await agentUnderTest(
      'centralized',
      [makeTask('t1')],
      true,
      true,
    );
    actor.start();
    actor.send(message('task.assign', { taskId: 't1', backup: false, epoch: 5, modelTime: 0 }));
    await waitFor(actor, (s) => s.matches({ working: 'thinking' }));
    // A new leader (epoch 9) fences the board; this worker has not heard from it.
    await createTaskBoardProtocol({ board, agentId: 'coord2', now: () => 0, leaseMs: 1 }).fenceAll(
      9,
    );
    actor.send(message('task.cancel', { taskId: 't1', reason: 'stale view', epoch: 5 }));
    await waitFor(actor, (s) => s.matches('idle'));
    expect(board.entries.get('t1')?.entry).toMatchObject({
      status: 'claimed',
      owner: 'a1',
      epoch: 9,
    });
    expect(rt.records.map(fields).find((r) => r['name'] === 'fence.refused')).toMatchObject({
      by: 'board',
      messageType: 'task.cancel',
      epoch: 5,
      seen: 9,
    });
    const report = rt.sent.filter((m) => m.type === 'task.done');
    expect(report.map((m) => m.to)).toEqual(['coord1', 'coord2']);
    expect(report[0]!.body).toMatchObject({ ok: false, skip: { code: 'refused' } });
    actor.stop();
    await model.close();
  });

  it('with fencing off (the stale-leader variant) the deposed leader’s assignment is worked', async () => {
    const { actor, board, rt, model } = await agentUnderTest(
      'centralized',
      [makeTask('t1'), makeTask('t2')],
      false,
    );
    actor.start();
    actor.send(message('task.assign', { taskId: 't1', backup: false, epoch: 9, modelTime: 0 }));
    actor.send(message('task.assign', { taskId: 't2', backup: false, epoch: 4, modelTime: 0 }));
    const reported = () => rt.sent.filter((m) => m.type === 'task.done' && m.to === 'coord1');
    await waitFor(actor, () => reported().length === 2, { timeout: 20_000 });
    actor.stop();
    await model.close();
    expect(rt.records.map(fields).some((r) => r['name'] === 'fence.refused')).toBe(false);
    expect(board.entries.get('t2')?.entry).toMatchObject({ status: 'done', epoch: 4 });
  });
});
