import { beforeEach, describe, expect, it } from 'vitest';
import type { KV } from '@llm-teams/broker';
import {
  createTaskBoard,
  createTaskBoardProtocol,
  type BoardEntry,
  type TaskBoard,
  type TaskBoardProtocolOptions,
} from '@llm-teams/agents';
import type { TracePayload } from '@llm-teams/runtime';
import { useFreshTeams } from '../support/fresh-teams.js';

const task = (id: string, deps: string[] = []) => ({
  id,
  title: id,
  spec: '',
  files: [`src/${id}.js`],
  deps,
  reference: {},
  tests: {},
});

describe('task-board protocol (real JetStream KV)', () => {
  let kv: KV;
  let board: TaskBoard;
  let now = 1_000;
  const freshTeam = useFreshTeams('board');
  beforeEach(async () => {
    const resources = await freshTeam();
    kv = await resources.bucket('board');
    board = createTaskBoard(kv);
    await board.init([task('a'), task('b', ['a']), task('c')]);
    now = 1_000;
  });
  const agent = (agentId: string, extra: Partial<TaskBoardProtocolOptions> = {}) =>
    createTaskBoardProtocol({ board, agentId, now: () => now, leaseMs: 100, ...extra });

  it('of two agents claiming one task at once, exactly one wins; the other is told who has it', async () => {
    const [x, y] = await Promise.all([agent('x').claim('a'), agent('y').claim('a')]);
    expect([x.ok, y.ok].filter(Boolean)).toHaveLength(1);
    const loser = x.ok ? y : x;
    const winner = x.ok ? 'x' : 'y';
    expect(loser.ok).toBe(false);
    if (!loser.ok)
      expect(loser.refusal).toEqual({ code: 'not-open', status: 'claimed', owner: winner });
    expect((await board.get('a'))?.entry).toMatchObject({ owner: winner, claims: 1 });
  });

  it('claimNext takes ready tasks in the given order, waits when none is ready, finishes when all are done', async () => {
    const records: TracePayload[] = [];
    const x = agent('x', { record: (p) => records.push(p) });
    const rank = (ready: BoardEntry[]) => [...ready].sort((p, q) => (p.id < q.id ? 1 : -1));
    expect(await x.claimNext({ rank, stealAfterMs: 0 })).toMatchObject({
      kind: 'claimed',
      taskId: 'c',
      via: 'claim',
    });
    await x.complete('c', { modelTime: 6 });
    expect(await x.claimNext({ rank, stealAfterMs: 0 })).toMatchObject({ taskId: 'a' });
    // b depends on a, which is claimed, not done.
    expect(await agent('y').claimNext({ rank, stealAfterMs: 0 })).toEqual({ kind: 'wait' });
    expect(records.filter((r) => r.kind === 'tool' && r['name'] === 'board.claim')).toHaveLength(2);
    await x.complete('a', { modelTime: 5 });
    expect(await x.claimNext({ rank, stealAfterMs: 0 })).toMatchObject({ taskId: 'b' });
    await x.complete('b', { modelTime: 9 });
    expect(await x.claimNext({ rank, stealAfterMs: 0 })).toEqual({ kind: 'finished' });
  });

  it('renewal extends only the holder’s lease; an expired claim is taken over, a slow one backed up', async () => {
    const x = agent('x');
    await x.claim('a');
    expect((await agent('y').renew('a')).ok).toBe(false);
    now += 50;
    const renewed = await x.renew('a');
    expect(renewed.ok && renewed.entry.leaseUntil).toBe(1_150);
    // y finds nothing ready but a and c: c is open, so it claims c first.
    const rank = (r: BoardEntry[]) => r;
    expect(await agent('y').claimNext({ rank, stealAfterMs: 1_000 })).toMatchObject({
      taskId: 'c',
    });
    // Past x's lease: z takes a over as its owner.
    now += 200;
    expect(await agent('z').claimNext({ rank, stealAfterMs: 1_000 })).toMatchObject({
      kind: 'claimed',
      taskId: 'a',
      backup: false,
      via: 'takeover',
    });
    // y's claim of c is not expired but slow (stealAfterMs 100): w becomes its backup.
    await agent('y').renew('c');
    now += 150;
    await agent('y').renew('c');
    await agent('z').renew('a');
    expect(await agent('w').claimNext({ rank, stealAfterMs: 100 })).toMatchObject({
      taskId: 'c',
      backup: true,
      via: 'steal',
    });
    // The first of owner and backup to complete wins; the other is told it is done.
    expect((await agent('w').complete('c', { modelTime: 1 })).ok).toBe(true);
    const late = await agent('y').complete('c', { modelTime: 2 });
    expect(!late.ok && late.refusal).toEqual({ code: 'already-done', owner: 'w' });
  });

  it('an agent restarted after it claimed a task resumes that claim when it asks for work, before any other task', async () => {
    // The first incarnation of x claims c, then dies before working on it.
    expect((await agent('x').claim('c')).ok).toBe(true);
    const records: TracePayload[] = [];
    const again = agent('x', { record: (p) => records.push(p) });
    now = 1_010; // within the lease: no one else would take it over, and x still beats
    const out = await again.claimNext({ rank: (ready) => ready, stealAfterMs: 0 });
    expect(out).toEqual({ kind: 'claimed', taskId: 'c', backup: false, via: 'takeover' });
    expect((await board.get('c'))?.entry).toMatchObject({
      status: 'claimed',
      owner: 'x',
      claimedAt: 1_010,
      leaseUntil: 1_110,
      claims: 1,
    });
    expect(records).toEqual([
      { kind: 'tool', name: 'board.takeover', outcome: 'ok', taskId: 'c', orphan: true },
    ]);
    // Another agent's claim is not x's to resume.
    expect((await agent('y').claim('a')).ok).toBe(true);
    await again.complete('c', { modelTime: 1 });
    expect(await again.claimNext({ rank: (ready) => ready, stealAfterMs: 0 })).toEqual({
      kind: 'wait',
    });
  });

  it('with stealing off, an expired claim of a member that is gone is still taken over', async () => {
    expect((await agent('x').claim('c')).ok).toBe(true);
    const y = agent('y');
    expect((await agent('y').claim('a')).ok).toBe(true);
    await y.complete('a', { modelTime: 1 });
    expect((await y.claim('b')).ok).toBe(true);
    await y.complete('b', { modelTime: 2 });
    // x's lease (100 ms) has not run out: y waits rather than copy it.
    expect(await y.claimNext({ rank: (r) => r, stealAfterMs: 0 })).toEqual({ kind: 'wait' });
    now += 101;
    expect(await y.claimNext({ rank: (r) => r, stealAfterMs: 0 })).toEqual({
      kind: 'claimed',
      taskId: 'c',
      backup: false,
      via: 'takeover',
    });
  });

  it('release reopens a task; a failed release of a task claimed maxClaims times fails it for good', async () => {
    const x = agent('x', { maxClaims: 2 });
    await x.claim('a');
    expect((await agent('y').release('a', { backup: false, failed: true, reason: 'r' })).ok).toBe(
      false,
    );
    const open = await x.release('a', { backup: false, failed: true, reason: 'tests fail' });
    expect(open.ok && open.entry).toMatchObject({ status: 'open', reason: 'tests fail' });
    await x.claim('a');
    const failed = await x.release('a', { backup: false, failed: true, reason: 'again' });
    expect(failed.ok && failed.entry.status).toBe('failed');
  });

  it('readiness says why an assigned task cannot start: waiting for deps, already done, missing', async () => {
    const x = agent('x');
    expect(await x.readiness('b', ['a'], false)).toEqual({
      kind: 'skip',
      skip: { code: 'waiting', deps: ['a'] },
    });
    await x.claim('a');
    await x.complete('a', { modelTime: 40 });
    expect(await x.readiness('b', ['a'], false)).toMatchObject({
      kind: 'ready',
      depsDoneAtModel: 40,
    });
    expect(await x.readiness('a', [], false)).toEqual({
      kind: 'skip',
      skip: { code: 'already-done', owner: 'x' },
    });
    expect((await x.readiness('a', [], true)).kind).toBe('ready');
    expect(await x.readiness('zz', [], false)).toEqual({
      kind: 'skip',
      skip: { code: 'missing' },
    });
  });

  it('fencing: after a new leader fences the board, a write carrying the old epoch is refused', async () => {
    const worker = agent('w1');
    expect((await worker.recordAssignment('a', { backup: false, epoch: 3, redo: false })).ok).toBe(
      true,
    );
    const leader = agent('coord2');
    expect(await leader.fenceAll(7)).toEqual({ stamped: 3, higher: undefined });
    // The deposed leader (epoch 3) assigns c to w2, who records it: refused.
    const stale = await agent('w2').recordAssignment('c', { backup: false, epoch: 3, redo: false });
    expect(!stale.ok && stale.refusal).toEqual({ code: 'stale-epoch', epoch: 3, seen: 7 });
    expect((await board.get('c'))?.entry.status).toBe('open');
    // ...and its approvals.
    await worker.complete('a', { modelTime: 1 });
    const approval = await agent('coord1').approve('a', 3);
    expect(!approval.ok && approval.refusal.code).toBe('stale-epoch');
    expect((await leader.approve('a', 7)).ok).toBe(true);
    // An old leader fencing again learns it is deposed.
    expect((await agent('coord1').fenceAll(3)).higher).toBe(7);
  });

  it('with fencing off (the stale-leader variant) the old epoch’s write lands', async () => {
    await agent('coord2').fenceAll(7);
    const out = await agent('w2', { fencing: false }).recordAssignment('c', {
      backup: false,
      epoch: 3,
      redo: false,
    });
    expect(out.ok).toBe(true);
  });
});
