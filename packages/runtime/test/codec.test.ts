import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeEnvelope,
  decodeFrame,
  encodeBatch,
  encodeEnvelope,
  encodeValue,
  envelopeToTuple,
  type Envelope,
} from '@llm-teams/runtime';

const token = fc.stringMatching(/^[A-Za-z0-9_-]{1,20}$/);
const envelopeArb: fc.Arbitrary<Envelope> = fc
  .record({
    id: fc.string({ minLength: 1, maxLength: 40 }),
    team: token,
    from: token,
    to: fc.oneof(
      token,
      token.map((t) => `#${t}`),
    ),
    type: fc
      .stringMatching(/^[a-z]{1,8}(\.[a-z]{1,8}){0,3}$/)
      .filter((t) => !t.startsWith('xstate.') && t !== 'ask.failed' && t !== 'send.failed'),
    lamport: fc.integer({ min: 1, max: 2 ** 40 }),
    seq: fc.integer({ min: 1, max: 2 ** 31 }),
    attempt: fc.integer({ min: 1, max: 50 }),
    causeId: fc.option(fc.string({ maxLength: 40 }), { nil: undefined }),
    corrId: fc.option(fc.string({ maxLength: 40 }), { nil: undefined }),
    sentAt: fc.integer({ min: 0, max: 2 ** 45 }),
    body: fc.jsonValue(),
  })
  .map((r) => {
    const env: Envelope = { v: 1, ...r };
    if (r.causeId === undefined) delete env.causeId;
    if (r.corrId === undefined) delete env.corrId;
    return env;
  });

describe('envelope codec', () => {
  it('round-trips any valid envelope, alone and in batches', () => {
    fc.assert(
      fc.property(fc.array(envelopeArb, { minLength: 1, maxLength: 5 }), (envs) => {
        for (const env of envs) {
          const decoded = decodeEnvelope(encodeEnvelope(env));
          expect(decoded).toEqual(JSON.parse(JSON.stringify(env)) as unknown);
        }
        const out: Envelope[] = [];
        const rejects: string[] = [];
        const data = envs.length === 1 ? encodeEnvelope(envs[0]!) : encodeBatch(envs);
        decodeFrame(
          data,
          (e) => out.push(e),
          (r) => rejects.push(r),
        );
        expect(rejects).toEqual([]);
        expect(out.map((e) => e.id)).toEqual(envs.map((e) => e.id));
      }),
    );
  });

  it('never throws on arbitrary bytes: every payload is accepted or rejected with a reason', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        let outcomes = 0;
        decodeFrame(
          bytes,
          () => outcomes++,
          (reason) => {
            expect(reason.length).toBeGreaterThan(0);
            outcomes++;
          },
        );
        expect(outcomes).toBeGreaterThan(0);
      }),
    );
  });

  it('rejects each wrong-typed field with a reason naming it', () => {
    const base = envelopeToTuple({
      v: 1,
      id: 'x',
      team: 't',
      from: 'a',
      to: 'b',
      type: 'm.t',
      lamport: 1,
      seq: 1,
      attempt: 1,
      sentAt: 0,
      body: null,
    });
    const cases: [number, unknown, RegExp][] = [
      [1, 5, /id must be a string/],
      [2, 'bad team', /team is invalid/],
      [3, '', /from is invalid/],
      [4, 'a.b', /to is invalid/],
      [5, 'has space', /type must be a dotted name/],
      [6, 0, /lamport must be a positive integer/],
      [7, 1.5, /seq must be a positive integer/],
      [8, -1, /attempt must be a positive integer/],
      [9, 42, /causeId must be a string/],
      [10, {}, /corrId must be a string/],
      [11, 'now', /sentAt must be a finite number/],
    ];
    for (const [index, value, reason] of cases) {
      const tuple = [...base];
      tuple[index] = value;
      expect(decodeEnvelope(encodeValue(tuple))).toMatch(reason);
    }
    expect(decodeEnvelope(encodeValue(base.slice(0, 12)))).toMatch(/13 fields, got 12/);
  });

  it('rejects one bad item of a batch and keeps the rest', () => {
    const good = {
      v: 1,
      id: 'g',
      team: 't',
      from: 'a',
      to: 'b',
      type: 'm',
      lamport: 3,
      seq: 1,
      attempt: 1,
      sentAt: 0,
      body: 1,
    };
    const bytes = encodeValue([
      envelopeToTuple(good),
      [1, 2, 3],
      envelopeToTuple({ ...good, id: 'h' }),
    ]);
    const ids: string[] = [];
    const reasons: string[] = [];
    decodeFrame(
      bytes,
      (e) => ids.push(e.id),
      (r) => reasons.push(r),
    );
    expect(ids).toEqual(['g', 'h']);
    expect(reasons).toEqual(['batch item 1: envelope must have 13 fields, got 3']);
  });
});
