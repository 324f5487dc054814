import { mkdtempSync, readFileSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  PAPER_PRESET,
  defaultModelTimeOrder,
  expandGrid,
  modelTimeOrderOf,
  openResultsStore,
  readResults,
  runKey,
} from '@llm-teams/lab';
import { fakeRecord } from './synthetic-records.js';

describe('expandGrid', () => {
  it('the paper preset is 3 suites x 3 p x n = 1..5 x 2 architectures x 3 reps', () => {
    const specs = expandGrid(PAPER_PRESET);
    expect(specs).toHaveLength(3 * 3 * 5 * 2 * 3);
    expect(new Set(specs.map(runKey)).size).toBe(specs.length);
    // Reps pair up across cells by seed.
    expect(new Set(specs.map((s) => s.seed))).toEqual(new Set(['1-r0', '1-r1', '1-r2']));
    // Rep by rep: every run of rep 0 comes before any of rep 1.
    const firstR1 = specs.findIndex((s) => s.rep === 1);
    expect(specs.slice(firstR1).every((s) => s.rep !== 0)).toBe(true);
  });

  it('a single team is one agent, once', () => {
    const specs = expandGrid({
      ...PAPER_PRESET,
      suites: ['tiny'],
      p: [0.5],
      arch: ['single', 'centralized'],
      reps: 1,
    });
    expect(specs.filter((s) => s.arch === 'single')).toHaveLength(1);
    expect(specs.filter((s) => s.arch === 'single')[0]!.agents).toBe(1);
    expect(specs.filter((s) => s.arch === 'centralized')).toHaveLength(5);
  });

  it('mixes and workloads are grid dimensions; the plain mix keeps the plain key', () => {
    const specs = expandGrid({
      ...PAPER_PRESET,
      suites: ['tiny'],
      p: [0.5],
      agents: [1, 2],
      arch: ['decentralized'],
      reps: 1,
      mixes: [{}, { workers: 'sim:gpt-5.2' }],
      workloads: ['fixed', 'scaled'],
    });
    expect(specs).toHaveLength(2 * 2 * 2);
    expect(specs.map(runKey)).toContain(
      'tiny|p=0.5|decentralized|n=2|sim:claude-sonnet-4-6|seed=1-r0',
    );
    expect(specs.map(runKey)).toContain(
      'tiny|p=0.5|decentralized|n=2|sim:claude-sonnet-4-6|seed=1-r0|models=workers=sim:gpt-5.2|scaled',
    );
  });

  it("model-time order is the default on simulated models: turning it off keys centralized runs apart, the other architectures' keys stay", () => {
    const grid = { ...PAPER_PRESET, suites: ['tiny'], p: [0.5], agents: [2], reps: 1 };
    const plain = expandGrid(grid).map(runKey);
    expect(plain[0]).toMatch(/\|centralized\|/);
    expect(expandGrid({ ...grid, modelTimeOrder: true }).map(runKey)).toEqual(plain);
    const unordered = expandGrid({ ...grid, modelTimeOrder: false });
    expect(unordered.map(runKey)).toEqual([`${plain[0]!}|no-model-time-order`, plain[1]]);
    expect(unordered.map(modelTimeOrderOf)).toEqual([false, false]);
    expect(expandGrid(grid).map(modelTimeOrderOf)).toEqual([true, false]);
  });

  it('a team with a model that is not simulated gives out work as reports arrive unless asked', () => {
    const spec = {
      suite: 'tiny',
      p: 0.5,
      arch: 'centralized' as const,
      agents: 2,
      model: 'sim:gpt-5.2',
      seed: '1',
      timeScale: 0.001,
    };
    const real = { ...spec, models: { coord1: 'anthropic:claude-sonnet-4-6' } };
    expect(defaultModelTimeOrder(spec)).toBe(true);
    expect(defaultModelTimeOrder(real)).toBe(false);
    expect(defaultModelTimeOrder({ ...spec, arch: 'decentralized' })).toBe(false);
    expect(modelTimeOrderOf(real)).toBe(false);
    expect(runKey({ ...real, modelTimeOrder: true })).toMatch(/\|model-time-order$/);
    expect(runKey({ ...real, modelTimeOrder: false })).toBe(runKey(real));
  });

  it('rejects a malformed grid', () => {
    expect(() => expandGrid({ ...PAPER_PRESET, reps: 0 })).toThrow();
    expect(() => expandGrid({ ...PAPER_PRESET, agents: [] })).toThrow();
  });
});

describe('results store', () => {
  it('appends one line per record and skips a torn last line on reopen', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'llmt-results-'));
    const file = join(dir, 'results.jsonl');
    const store = await openResultsStore(file);
    store.append(fakeRecord({ n: 1, makespanMs: 10 }));
    store.append(fakeRecord({ n: 2, makespanMs: 6 }));
    // A sweep killed mid-write leaves half a line.
    appendFileSync(file, '{"v":1,"key":"math|p=0.5|centr');
    expect(readResults(file)).toMatchObject({ skippedLines: 1 });
    const again = await openResultsStore(file);
    expect(again.done.size).toBe(2);
    again.append(fakeRecord({ n: 3, makespanMs: 4 }));
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(4);
    expect(readResults(file).records.map((r) => r.result.agents)).toEqual([1, 2, 3]);
  });

  it('a foreign line is skipped, not fatal', () => {
    const dir = mkdtempSync(join(tmpdir(), 'llmt-results-'));
    const file = join(dir, 'results.jsonl');
    writeFileSync(
      file,
      '{"hello":1}\n' + JSON.stringify(fakeRecord({ n: 1, makespanMs: 1 })) + '\n',
    );
    const { records, skippedLines } = readResults(file);
    expect(skippedLines).toBe(1);
    expect(records.map((r) => r.key)).toEqual([
      'math|p=0.5|centralized|n=1|sim:claude-sonnet-4-6|seed=1-r0',
    ]);
  });
});
