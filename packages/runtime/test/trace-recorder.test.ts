import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  createTraceRecorder,
  parseTrace,
  REDACTED,
  registerSecret,
  type TraceEvent,
} from '@llm-teams/runtime';
import { RecvRecord, SendRecord } from '../src/trace-records.js';
import { tempDir } from '@llm-teams/testkit';

const mark = (i: number): TraceEvent => ({
  kind: 'mark',
  name: `m${i}`,
  actor: 'a',
  node: 'n',
  seq: i,
  lamport: i + 1,
  wall: 0,
});

/** The part of tsx's package.json that locates its ESM API. */
interface TsxPackage {
  exports: { './esm/api': { import: { default: string } } };
}

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

  it('a crash loses at most the unflushed tail, never a partial line', { timeout: 60_000 }, () => {
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

  it(
    'a process that dies of an uncaught error still writes what it had buffered',
    { timeout: 60_000 },
    () => {
      const { dir, cleanup } = tempDir();
      const file = join(dir, 'trace.jsonl');
      const script = join(dir, 'throw.ts');
      writeFileSync(
        script,
        `import { createTraceRecorder } from ${JSON.stringify(new URL('../src/index.ts', import.meta.url).pathname)};
       const rec = createTraceRecorder({ file: ${JSON.stringify(file)}, flushIntervalMs: 60_000 });
       for (let i = 0; i < 300; i++) rec.write({ kind: 'mark', name: 'm', actor: 'a', node: 'n', seq: i, lamport: i + 1, wall: 0 });
       setTimeout(() => { throw new Error('boom'); }, 10);`,
      );
      expect(() =>
        execFileSync(process.execPath, ['--import', 'tsx', script], {
          cwd: process.cwd(),
          stdio: 'pipe',
        }),
      ).toThrow(/boom/);
      expect(parseTrace(readFileSync(file, 'utf8')).map((e) => e.seq)).toEqual([
        ...Array(300).keys(),
      ]);
      cleanup();
    },
  );

  it(
    'writes from its thread in a process that loads tsx over an inherited --import tsx',
    { timeout: 60_000 },
    () => {
      // Sources transformed twice (a forked sweep worker does this) name esbuild's helper
      // __name2; the thread's script must define it too.
      const tsxPackage = createRequire(import.meta.url).resolve('tsx/package.json');
      const tsxExports = (JSON.parse(readFileSync(tsxPackage, 'utf8')) as TsxPackage).exports;
      const tsxApi = new URL(tsxExports['./esm/api'].import.default, pathToFileURL(tsxPackage))
        .href;
      const { dir, cleanup } = tempDir();
      const file = join(dir, 'trace.jsonl');
      const script = join(dir, 'twice.mjs');
      writeFileSync(
        script,
        `const { register } = await import(${JSON.stringify(tsxApi)});
       register();
       const { createTraceRecorder } = await import(${JSON.stringify(new URL('../src/index.ts', import.meta.url).href)});
       const rec = createTraceRecorder({ file: ${JSON.stringify(file)} });
       for (let i = 0; i < 5; i++) rec.write({ kind: 'mark', name: 'm', actor: 'a', node: 'n', seq: i, lamport: i + 1, wall: 0 });
       await rec.close();`,
      );
      execFileSync(process.execPath, ['--import', 'tsx', script], {
        cwd: process.cwd(),
        stdio: 'pipe',
      });
      expect(parseTrace(readFileSync(file, 'utf8')).map((e) => e.seq)).toEqual([0, 1, 2, 3, 4]);
      cleanup();
    },
  );

  it('writes the same lines from its writer thread as on the caller thread', async () => {
    const { dir, cleanup } = tempDir();
    const events: TraceEvent[] = [];
    for (let i = 0; i < 2000; i++) {
      const e = new SendRecord(
        `m${i}`,
        'b',
        'task.assign',
        1,
        i,
        'at-most-once',
        'a',
        'n',
        i,
        i + 1,
        i,
      );
      if (i % 3 === 0) e.causeId = `c${i}`;
      events.push(
        e,
        new RecvRecord(
          `m${i}`,
          'a',
          'task.assign',
          i + 1,
          1,
          i,
          'at-most-once',
          'b',
          'n',
          i,
          i + 2,
          i,
        ),
      );
      if (i % 100 === 0) events.push(mark(i));
    }
    const files = [join(dir, 'thread.jsonl'), join(dir, 'caller.jsonl')];
    for (const [file, thread] of [
      [files[0]!, true],
      [files[1]!, false],
    ] as const) {
      const rec = createTraceRecorder({ file, thread, maxBufferedBytes: 4096 });
      for (const e of events) rec.write(e);
      await rec.close();
    }
    const [threaded, inline] = files.map((f) => readFileSync(f, 'utf8'));
    expect(threaded).toBe(inline);
    expect(threaded).toBe(events.map((e) => JSON.stringify(e) + '\n').join(''));
    cleanup();
  });

  it('redacts in its writer thread, secrets registered after it started included', async () => {
    const { dir, cleanup } = tempDir();
    const file = join(dir, 'trace.jsonl');
    const published: string[] = [];
    const rec = createTraceRecorder({
      file,
      live: {
        subject: 'llmt.t.trace',
        publish: (_s, data) => published.push(new TextDecoder().decode(data)),
      },
    });
    rec.write({
      kind: 'mark',
      name: 'before late-secret-123',
      actor: 'a',
      node: 'n',
      seq: 0,
      lamport: 1,
      wall: 0,
    });
    rec.flush();
    registerSecret('late-secret-123');
    rec.write({
      kind: 'mark',
      name: 'after late-secret-123 and nats://u:pw-secret@host:4222',
      actor: 'a',
      node: 'n',
      seq: 1,
      lamport: 2,
      wall: 0,
    });
    await rec.close();
    const text = readFileSync(file, 'utf8');
    expect(parseTrace(text).map((e) => (e.kind === 'mark' ? e.name : e.kind))).toEqual([
      'before late-secret-123',
      `after ${REDACTED} and nats://u:${REDACTED}@host:4222`,
    ]);
    expect(published.join('')).toBe(text);
    cleanup();
  });

  it('names the line of a malformed trace', () => {
    const mark = '{"kind":"mark","actor":"a","node":"n","seq":0,"lamport":1,"wall":1}';
    expect(() => parseTrace(`${mark}\n{oops\n`)).toThrow(/^trace line 2: not JSON/);
  });
});
