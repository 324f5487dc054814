import { describe, expect, it } from 'vitest';
import { applyDone, plan, stateFromBoard, type BoardEntry } from '@llm-teams/agents';
import { doneBody, planOptions } from '../support/plan-state.js';

const boardOf = (...entries: BoardEntry[]): Parameters<typeof stateFromBoard>[0] =>
  new Map(entries.map((entry) => [entry.id, { entry, rev: 1 }]));
const entry = (id: string, extra: Partial<BoardEntry>): BoardEntry => ({
  id,
  deps: [],
  claims: 1,
  status: 'open',
  ...extra,
});

describe('a plan rebuilt from the board (a coordinator taking over)', () => {
  it('keeps done and failed tasks, gives claimed tasks back to their owners on the roster, and starts with no history', () => {
    const board = boardOf(
      entry('a', { status: 'done', owner: 'w1', doneAtModel: 30, verified: true }),
      entry('b', { status: 'done', owner: 'w2', doneAtModel: 20 }),
      entry('c', { status: 'failed', claims: 3 }),
      entry('d', { deps: ['a'], status: 'claimed', owner: 'w2', claims: 2 }),
      entry('e', { deps: ['b'], status: 'claimed', owner: 'gone' }),
      entry('f', { deps: ['d', 'e'], claims: 0 }),
    );
    const priority = new Map([
      ['a', 3],
      ['d', 2],
    ]);
    expect(stateFromBoard(board, priority, ['w1', 'w2', 'w3'], 500)).toEqual({
      tasks: {
        a: { deps: [], priority: 3, status: 'done', attempts: 1, owner: 'w1', doneModel: 30 },
        b: { deps: [], priority: 1, status: 'done', attempts: 1, owner: 'w2', doneModel: 20 },
        c: { deps: [], priority: 1, status: 'failed', attempts: 3 },
        d: {
          deps: ['a'],
          priority: 2,
          status: 'assigned',
          attempts: 2,
          owner: 'w2',
          assignedAt: 500,
        },
        e: { deps: ['b'], priority: 1, status: 'pending', attempts: 1 },
        f: { deps: ['d', 'e'], priority: 1, status: 'pending', attempts: 0 },
      },
      workers: { w1: null, w2: 'd', w3: null },
      suspected: [],
      slow: {},
      durations: [],
      modelDurations: [],
      marks: [],
      workerModel: {},
      modelNow: 30,
      busySince: { w2: { model: 0, real: 500 } },
    });
  });

  it('re-opens no vote when verification has no reviewers', () => {
    const board = boardOf(entry('a', { status: 'done', owner: 'w1', doneAtModel: 10 }));
    const s = stateFromBoard(board, new Map(), ['w1', 'w2'], 0, { reviewers: 0, epoch: 2 });
    expect(s.tasks['a']!.status).toBe('done');
    expect(s.marks).toEqual([]);
  });

  it('a completion of a task this coordinator never gave out records no duration', () => {
    // The last leader assigned c; its worker had not claimed it on the board yet.
    const s = stateFromBoard(boardOf(entry('c', { claims: 0 })), new Map(), ['w3'], 0);
    applyDone(s, 'w3', doneBody('c', 12), { ...planOptions, now: 40 });
    expect(s.tasks['c']).toMatchObject({ status: 'done', owner: 'w3', doneModel: 12 });
    expect(s.durations).toEqual([]);
    expect(s.modelDurations).toEqual([]);
    expect(plan(s, planOptions)).toEqual([]);
  });
});
