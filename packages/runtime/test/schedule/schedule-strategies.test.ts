import { describe, expect, it } from 'vitest';
import {
  createGuidedStrategy,
  createPctStrategy,
  createRandomWalkStrategy,
  createReplayStrategy,
  createScheduleController,
  defaultStep,
  parseStepId,
  stepsConflict,
  type ScheduleStep,
  type ScheduleStrategy,
} from '@llm-teams/runtime';

let nextSeq = 0;
const op = (actor: string, n: number, what = 'get kv/x'): ScheduleStep => ({
  id: `${actor}#${n} ${what}`,
  kind: 'op',
  actor,
  channel: `kv:${actor}`,
  seq: nextSeq++,
});
const time = (ms: number, nth = 1): ScheduleStep => ({
  id: `time+${ms}${nth > 1 ? `.${nth}` : ''}`,
  kind: 'time',
  actor: undefined,
  channel: 'time',
  seq: -1,
});

/**
 * A synthetic workload: `actors` each take `length` steps in order; time is enabled
 * throughout (each firing named as the driver names them: `time+50`, `time+50.2`, ...).
 * Returns the ids a strategy takes.
 */
function drive(
  strategy: ScheduleStrategy,
  controller = createScheduleController({ strategy }),
  actors = ['a', 'b', 'c', 'd'],
  length = 8,
): string[] {
  const progress = new Map(actors.map((a) => [a, 1]));
  const heads = new Map(actors.map((a) => [a, op(a, 1)]));
  const taken: string[] = [];
  let firings = 0;
  for (;;) {
    const enabled = [...heads.values()].sort((x, y) => x.seq - y.seq);
    if (enabled.length === 0) break;
    const choice = controller.decide([...enabled, time(50, firings + 1)]);
    taken.push(choice.step);
    if (choice.step.startsWith('time')) {
      firings++;
      continue;
    }
    const actor = choice.step.split('#')[0]!;
    const n = progress.get(actor)! + 1;
    progress.set(actor, n);
    if (n > length) heads.delete(actor);
    else heads.set(actor, op(actor, n));
  }
  return taken;
}

describe('schedule strategies', () => {
  it('the default step keeps the last actor running, else takes the oldest; time comes last', () => {
    const a1 = op('a', 1);
    const b1 = op('b', 1);
    const a2 = op('a', 2);
    expect(defaultStep([a1, b1, time(5)], undefined)).toBe(a1);
    expect(defaultStep([b1, a2, time(5)], a1)).toBe(a2);
    expect(defaultStep([b1, time(5)], a1)).toBe(b1);
    expect(defaultStep([time(5)], a1).kind).toBe('time');
  });

  it('random walk and PCT are deterministic per seed and differ between seeds', () => {
    for (const make of [
      (seed: number) => createRandomWalkStrategy({ seed }),
      (seed: number) => createRandomWalkStrategy({ seed, switchProbability: 0.2 }),
      (seed: number) => createPctStrategy({ seed, depth: 3, maxSteps: 40 }),
    ]) {
      const one = drive(make(7));
      expect(drive(make(7))).toEqual(one);
      const others = [1, 2, 3].map((s) => drive(make(s)).join());
      expect(others.some((o) => o !== one.join())).toBe(true);
    }
  });

  it('random walk with switchProbability 0 is the default order', () => {
    const walk = drive(createRandomWalkStrategy({ seed: 1, switchProbability: 0 }));
    expect(walk.slice(0, 8)).toEqual(Array.from({ length: 8 }, (_, i) => `a#${i + 1} get kv/x`));
  });

  it('PCT runs one actor at a time by priority, time only when nothing else is enabled', () => {
    const taken = drive(createPctStrategy({ seed: 4, depth: 1 }));
    expect(taken.some((id) => id.startsWith('time'))).toBe(false);
    // Depth 1: no change point, so each actor runs to its end before the next starts.
    const actors = taken.map((id) => id.split('#')[0]);
    const runs = actors.filter((a, i) => i === 0 || a !== actors[i - 1]);
    expect(runs.length).toBe(4);
  });

  it('PCT with depth d preempts at most d - 1 times beyond the actors finishing', () => {
    for (let seed = 0; seed < 20; seed++) {
      const taken = drive(createPctStrategy({ seed, depth: 3, maxSteps: 32 }));
      const actors = taken.map((id) => id.split('#')[0]);
      const switches = actors.filter((a, i) => i > 0 && a !== actors[i - 1]).length;
      expect(switches).toBeLessThanOrEqual(3 + 2);
    }
  });

  it('the controller records choices and deviations; guided deviations reproduce the run', () => {
    const strategy = createRandomWalkStrategy({ seed: 11 });
    const recorded = createScheduleController({ strategy });
    const taken = drive(strategy, recorded);
    expect(recorded.choices.map((c) => c.step)).toEqual(taken);
    expect(recorded.deviations.length).toBeGreaterThan(0);
    for (const d of recorded.deviations) expect(taken[d.index]).toBe(d.step);
    expect(drive(createGuidedStrategy(recorded.deviations))).toEqual(taken);
    expect(drive(createReplayStrategy(recorded.choices))).toEqual(taken);
  });

  it('a guided deviation is an ordering constraint: X before F even where F is not the default', () => {
    // "b#2 before a#5": a runs on by default and must stop before its 5th step until b's 2nd.
    const taken = drive(
      createGuidedStrategy([{ index: 0, fallback: 'a#5 get kv/x', step: 'b#2 get kv/x' }]),
    );
    expect(taken.indexOf('b#2 get kv/x')).toBeLessThan(taken.indexOf('a#5 get kv/x'));
    // a ran its first four steps untouched, then b caught up (b#1 first, it precedes b#2).
    expect(taken.slice(0, 6)).toEqual([
      'a#1 get kv/x',
      'a#2 get kv/x',
      'a#3 get kv/x',
      'a#4 get kv/x',
      'b#1 get kv/x',
      'b#2 get kv/x',
    ]);
  });

  it('a replay rejects a step that is not enabled, and running past its end', () => {
    const replay = createReplayStrategy([{ step: 'a#1 get kv/x' }]);
    const a1 = op('a', 1);
    expect(replay.choose({ index: 0, enabled: [a1], fallback: a1, last: undefined }).step).toBe(a1);
    expect(() => replay.choose({ index: 1, enabled: [a1], fallback: a1, last: a1 })).toThrow(
      /schedule has 1 decisions/,
    );
    const other = createReplayStrategy([{ step: 'z#1 get kv/x' }]);
    expect(() => other.choose({ index: 0, enabled: [a1], fallback: a1, last: undefined })).toThrow(
      /z#1 get kv\/x is not enabled/,
    );
  });

  it('step ids parse back, and only conflicting steps are said to conflict', () => {
    expect(parseStepId('time+50.2')).toEqual({ kind: 'time' });
    expect(parseStepId('a2<a1#team:3.2~1')).toEqual({ kind: 'deliver', actor: 'a2', from: 'a1' });
    expect(parseStepId('a1#12 update board/task.t01')).toEqual({
      kind: 'op',
      actor: 'a1',
      op: 'update',
      store: 'board',
      key: 'task.t01',
    });
    expect(stepsConflict('a1#1 get board/task.t1', 'a2#4 put board/task.t1')).toBe(true);
    expect(stepsConflict('a1#1 get board/task.t1', 'a2#4 get board/task.t1')).toBe(false);
    expect(stepsConflict('a1#1 get board/task.t1', 'a2#4 put board/task.t2')).toBe(false);
    expect(stepsConflict('a1#1 keys files/f.>', 'a2#4 create files/f.src/x.js')).toBe(true);
    expect(stepsConflict('a1#1 get files/f.x', 'a2#4 put board/task.t1')).toBe(false);
    expect(stepsConflict('a2<a1:1', 'a2#4 get board/task.t1')).toBe(true);
    expect(stepsConflict('a2<a1:1', 'a3#4 put board/task.t1')).toBe(false);
    expect(stepsConflict('time+50', 'a3#4 get board/task.t1')).toBe(true);
  });
});
