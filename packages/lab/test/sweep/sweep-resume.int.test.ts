import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  SWEEP_FILES,
  readResults,
  runSweep,
  type SweepGrid,
  type SweepProgress,
} from '@llm-teams/lab';

const GRID: SweepGrid = {
  suites: ['tiny'],
  p: [0.5],
  agents: [1, 2],
  arch: ['centralized', 'decentralized'],
  models: ['sim:gpt-5.2'],
  reps: 1,
  seed: '7',
  timeScale: 0.001,
  deadlineMs: 60_000,
};

describe('sweep', () => {
  const dir = mkdtempSync(join(tmpdir(), 'llmt-sweep-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('stops when aborted, resumes where it was, and never runs a key twice', async () => {
    const controller = new AbortController();
    const seen: SweepProgress[] = [];
    const first = await runSweep({
      grid: GRID,
      outDir: dir,
      jobs: 2,
      signal: controller.signal,
      onProgress: (p) => {
        seen.push(p);
        // Stop as soon as the first run is recorded; the other worker's run is abandoned.
        if (p.last) controller.abort();
      },
    });
    expect(first.status).toBe('stopped');
    expect(first.total).toBe(4);
    const afterFirst = readResults(join(dir, SWEEP_FILES.results)).records;
    expect(afterFirst.length).toBeGreaterThanOrEqual(1);
    expect(afterFirst.length).toBeLessThan(4);
    expect(seen[0]).toMatchObject({ done: 0, total: 4, ran: 0 });

    const second = await runSweep({ grid: GRID, outDir: dir, jobs: 2 });
    expect(second.status).toBe('completed');
    expect(second.resumed).toBe(afterFirst.length);
    expect(second.ran).toBe(4 - afterFirst.length);
    expect(second.failed).toBe(0);

    const { records, skippedLines } = readResults(join(dir, SWEEP_FILES.results));
    expect(skippedLines).toBe(0);
    const keys = records.map((r) => r.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).toHaveLength(4);
    expect(records.every((r) => r.result.status === 'completed')).toBe(true);

    // A third call has nothing left to do.
    const third = await runSweep({ grid: GRID, outDir: dir, jobs: 2 });
    expect(third).toMatchObject({ status: 'completed', ran: 0, resumed: 4 });

    const summary = JSON.parse(readFileSync(join(dir, SWEEP_FILES.summary), 'utf8')) as {
      runs: number;
      cells: { arch: string; n: number; speedup: { mean: number } }[];
      curves: unknown[];
    };
    expect(summary.runs).toBe(4);
    expect(summary.cells).toHaveLength(4);
    expect(summary.curves).toHaveLength(2);
    for (const c of summary.cells.filter((c) => c.n === 2))
      expect(c.speedup.mean).toBeGreaterThan(0);
    expect(existsSync(join(dir, SWEEP_FILES.report))).toBe(true);
    // Each run kept its trace and result.
    for (const r of records) expect(existsSync(join(dir, r.files.trace!))).toBe(true);
  });
});
