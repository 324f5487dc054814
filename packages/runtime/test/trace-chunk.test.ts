import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatTraceChunk, TraceChunkEncoder } from '../src/trace-chunk.js';
import { RecvRecord, SendRecord } from '../src/trace-records.js';
import type { TraceEvent } from '@llm-teams/runtime';

const jsonLines = (events: TraceEvent[]) => events.map((e) => JSON.stringify(e) + '\n').join('');

function formatted(events: TraceEvent[]): string {
  const encoder = new TraceChunkEncoder(events.length + 1);
  for (const e of events) encoder.add(e);
  const chunk = encoder.take();
  return chunk ? formatTraceChunk(chunk) : '';
}

function send(i: number, extra: { causeId?: string; corrId?: string } = {}): SendRecord {
  const e = new SendRecord(
    `m${i}`,
    'b',
    'task.assign',
    1,
    i,
    'at-most-once',
    'a',
    'n1',
    i,
    2 * i,
    1e12 + i,
  );
  if (extra.causeId !== undefined) e.causeId = extra.causeId;
  if (extra.corrId !== undefined) e.corrId = extra.corrId;
  return e;
}

describe('trace chunks', () => {
  it('format each event as JSON.stringify would, sends and receives from their columns', () => {
    const recv = new RecvRecord(
      'm1',
      'a',
      'task.assign',
      2,
      1,
      1,
      'at-least-once',
      'b',
      'n2',
      0,
      3,
      5,
    );
    recv.dup = true;
    recv.unhandled = true;
    recv.corrId = 'q"1';
    const events: TraceEvent[] = [
      send(1),
      send(2, { causeId: 'c1' }),
      send(3, { corrId: 'k\u00e9y' }),
      recv,
      new RecvRecord('m9', 'a', 'x.y', 0, 1, 1, 'at-most-once', 'b', 'n2', 1, 4, 6),
      {
        kind: 'mark',
        name: 'note "quoted"\nnewline',
        actor: 'a',
        node: 'n1',
        seq: 9,
        lamport: 9,
        wall: 0,
      },
      // A send built elsewhere (parsed from a file, say) takes the line path, keys as they are.
      {
        kind: 'send',
        msgId: 'p',
        to: 'b',
        type: 't',
        attempt: 1,
        chanSeq: 1,
        mode: 'at-most-once',
        actor: 'a',
        node: 'n',
        seq: 1,
        lamport: 1,
        wall: 1,
      },
    ];
    expect(formatted(events)).toBe(jsonLines(events));
  });

  it('agree with JSON.stringify for any strings and numbers', { timeout: 60_000 }, () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            id: fc.string({ unit: 'binary' }),
            peer: fc.string({ unit: 'binary' }),
            type: fc.string(),
            n: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
            cause: fc.option(fc.string({ unit: 'binary' }), { nil: undefined }),
            recv: fc.boolean(),
          }),
          { maxLength: 20 },
        ),
        (specs) => {
          const events = specs.map((s): TraceEvent => {
            if (s.recv) {
              const r = new RecvRecord(
                s.id,
                s.peer,
                s.type,
                s.n,
                1,
                s.n,
                'at-most-once',
                s.peer,
                'n',
                s.n,
                s.n + 1,
                s.n,
              );
              if (s.cause !== undefined) r.corrId = s.cause;
              return r;
            }
            const e = new SendRecord(
              s.id,
              s.peer,
              s.type,
              2,
              s.n,
              'at-least-once',
              'me',
              'n',
              s.n,
              s.n,
              s.n,
            );
            if (s.cause !== undefined) e.causeId = s.cause;
            return e;
          });
          expect(formatted(events)).toBe(jsonLines(events));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('start a new chunk after take(), its strings interned afresh', () => {
    const encoder = new TraceChunkEncoder(4);
    encoder.add(send(1));
    const first = encoder.take()!;
    encoder.add(send(2));
    const second = encoder.take()!;
    expect(formatTraceChunk(first)).toBe(jsonLines([send(1)]));
    expect(formatTraceChunk(second)).toBe(jsonLines([send(2)]));
    expect(encoder.take()).toBeUndefined();
  });
});
