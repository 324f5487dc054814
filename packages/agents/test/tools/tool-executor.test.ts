import { describe, expect, it } from 'vitest';
import {
  builtinTools,
  createTaskBoardProtocol,
  createToolExecutor,
  type AnyToolHandler,
  type ToolSession,
} from '@llm-teams/agents';
import type { TracePayload } from '@llm-teams/runtime';
import { createMemoryBoard, createMemoryWorkspace } from '../support/memory-stores.js';

const session = (): ToolSession => ({
  taskId: 't1',
  revs: {},
  testsPassedFor: undefined,
  modelNow: 0,
});
const fields = (r: TracePayload) => r as unknown as Record<string, unknown>;

function executorUnderTest(tools?: AnyToolHandler[]) {
  const records: TracePayload[] = [];
  const workspace = createMemoryWorkspace();
  const board = createMemoryBoard();
  const protocol = createTaskBoardProtocol({ board, agentId: 'a1', now: () => 0, leaseMs: 1000 });
  const executor = createToolExecutor({
    agentId: 'a1',
    tasks: new Map(),
    workspace,
    board,
    record: (p) => records.push(p),
    now: () => 0,
    message: (to) => (to === 'a2' ? undefined : `unknown teammate ${to}`),
    complete: (id, s) => protocol.complete(id, { modelTime: s.modelNow }),
    ...(tools ? { tools } : {}),
  });
  return { executor, workspace, board, records };
}

describe('tool executor (a table of handlers, no NATS)', () => {
  it('offers and runs the team tools by default; a write on a stale revision is a traced conflict', async () => {
    const { executor, workspace, records } = executorUnderTest();
    expect(executor.definitions.map((d) => d.name)).toContain('write_file');
    await workspace.write('src/x.js', 'v1', 0, 'a2');
    const s = session();
    const out = await executor.execute(
      {
        id: 'c1',
        name: 'write_file',
        arguments: { path: 'src/x.js', content: 'mine', baseRev: 0 },
      },
      s,
    );
    expect(JSON.parse(out.result.content)).toMatchObject({
      ok: false,
      conflict: true,
      currentRev: 1,
    });
    expect(out.effects.conflict).toBe(true);
    expect(fields(records.at(-1)!)).toMatchObject({
      kind: 'tool',
      name: 'write_file',
      outcome: 'conflict',
      baseRev: 0,
      currentRev: 1,
      currentAuthor: 'a2',
    });
  });

  it('a tool not in the table is the model’s error, naming the tools there are', async () => {
    const { executor, records } = executorUnderTest(builtinTools(['read_file']));
    const out = await executor.execute({ id: 'c1', name: 'write_file', arguments: {} }, session());
    expect(out.result.isError).toBe(true);
    expect(out.result.content).toContain('Available tools: read_file');
    expect(fields(records.at(-1)!)['outcome']).toBe('invalid');
  });

  it('a handler of one’s own is checked by its parse, run with the context, and traced', async () => {
    const shout: AnyToolHandler = {
      definition: {
        name: 'shout',
        description: 'Upper-cases text.',
        inputSchema: { type: 'object' },
      },
      parse: (args) =>
        typeof (args as { text?: unknown }).text === 'string'
          ? { ok: true, args: args as { text: string } }
          : { ok: false, error: 'text must be a string' },
      run: (args: { text: string }, ctx) =>
        Promise.resolve({
          result: { content: `${ctx.agentId}: ${args.text.toUpperCase()}`, isError: false },
          trace: { outcome: 'ok', chars: args.text.length },
        }),
    };
    const { executor, records } = executorUnderTest([shout]);
    const ok = await executor.execute(
      { id: 'c1', name: 'shout', arguments: { text: 'hi' } },
      session(),
    );
    expect(ok.result).toEqual({ content: 'a1: HI', isError: false });
    expect(fields(records.at(-1)!)).toMatchObject({ name: 'shout', outcome: 'ok', chars: 2 });
    const bad = await executor.execute(
      { id: 'c2', name: 'shout', arguments: { text: 3 } },
      session(),
    );
    expect(bad.result).toMatchObject({ isError: true });
    expect(bad.result.content).toContain('text must be a string');
  });

  it('a handler that throws becomes a tool error, not a crash', async () => {
    const broken: AnyToolHandler = {
      definition: { name: 'broken', description: '', inputSchema: {} },
      run: () => Promise.reject(new Error('KV unavailable')),
    };
    const { executor, records } = executorUnderTest([broken]);
    const out = await executor.execute({ id: 'c1', name: 'broken', arguments: {} }, session());
    expect(out.result.content).toContain('tool failed: KV unavailable');
    expect(fields(records.at(-1)!)['outcome']).toBe('error');
  });

  it('complete_task is refused until a test run passed; a completion lost to another copy says so', async () => {
    const { executor, board } = executorUnderTest();
    await board.init([
      { id: 't1', title: '', spec: '', files: [], deps: [], reference: {}, tests: {} },
    ]);
    const s = session();
    const early = await executor.execute(
      { id: 'c1', name: 'complete_task', arguments: { taskId: 't1' } },
      s,
    );
    expect(JSON.parse(early.result.content)).toMatchObject({ ok: false, refused: true });
    await board.update('t1', (e) => ({ ...e, status: 'done', owner: 'a2' }));
    s.testsPassedFor = 't1';
    const lost = await executor.execute(
      { id: 'c2', name: 'complete_task', arguments: { taskId: 't1' } },
      s,
    );
    expect(lost.effects.lostTo).toBe('t1');
    expect((JSON.parse(lost.result.content) as { error: string }).error).toBe(
      't1 is already done by a2',
    );
  });
});
