import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTraceRecorder, parseTrace, type TraceEvent } from '@llm-teams/runtime';
import { tempDir } from '../../../test/support/index.js';

const mark = (i: number): TraceEvent => ({
  kind: 'mark',
  name: `m${i}`,
  actor: 'a',
  node: 'n',
  seq: i,
  lamport: i + 1,
  wall: 0,
});

describe('trace recorder', () => {
  it('writes JSON Lines, flushed on close', async () => {
    const { dir, cleanup } = tempDir();
    const file = join(dir, 'sub', 'trace.jsonl');
    const seen: TraceEvent[] = [];
    const rec = createTraceRecorder({
      file,
      onEvent: (e) => seen.push(e),
      flushIntervalMs: 60_000,
    });
    for (let i = 0; i < 10; i++) rec.write(mark(i));
    expect(readFileSync(file, 'utf8')).toBe('');
    await rec.close();
    const events = parseTrace(readFileSync(file, 'utf8'));
    expect(events.map((e) => e.seq)).toEqual([...Array(10).keys()]);
    expect(seen).toHaveLength(10);
    cleanup();
  });

  it('a crash loses at most the unflushed tail, never a partial line', () => {
    const { dir, cleanup } = tempDir();
    const file = join(dir, 'trace.jsonl');
    const script = join(dir, 'crash.ts');
    writeFileSync(
      script,
      `import { createTraceRecorder } from ${JSON.stringify(new URL('../src/index.ts', import.meta.url).pathname)};
       const rec = createTraceRecorder({ file: ${JSON.stringify(file)}, flushIntervalMs: 60_000, maxBufferedBytes: 1 << 30 });
       const ev = (i) => ({ kind: 'mark', name: 'x'.repeat(200), actor: 'a', node: 'n', seq: i, lamport: i + 1, wall: 0 });
       for (let i = 0; i < 500; i++) rec.write(ev(i));
       rec.flush();
       for (let i = 500; i < 700; i++) rec.write(ev(i));
       process.kill(process.pid, 'SIGKILL');`,
    );
    try {
      execFileSync(process.execPath, ['--import', 'tsx', script], {
        cwd: process.cwd(),
        stdio: 'pipe',
      });
    } catch {
      // Killed, as intended.
    }
    const events = parseTrace(readFileSync(file, 'utf8'));
    expect(events).toHaveLength(500);
    expect(events.at(-1)?.seq).toBe(499);
    cleanup();
  });

  it('names the line of a malformed trace', () => {
    expect(() => parseTrace('{"kind":"mark"}\n{oops\n')).toThrow(/trace line 2 is not JSON/);
  });
});
