import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeEnvelope,
  decodeFrame,
  encodeBatch,
  encodeEnvelope,
  encodeValue,
  createEnvelope,
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
    // `__proto__` keys are renamed on decode (no prototype pollution); tested below.
    body: fc.jsonValue().filter((v) => !JSON.stringify(v).includes('"__proto__"')),
  })
  .map((r) => createEnvelope(r));

/** A small valid envelope; `fields` override. */
const sample = (fields: Partial<Envelope> = {}): Envelope =>
  createEnvelope({
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
    ...fields,
  });

describe('envelope codec', () => {
  it('round-trips any valid envelope, alone and in batches', () => {
    fc.assert(
      fc.property(fc.array(envelopeArb, { minLength: 1, maxLength: 5 }), (envs) => {
        for (const env of envs) {
          const decoded = decodeEnvelope(encodeEnvelope(env));
          // Bodies round-trip as JSON values do (msgpack, like JSON, has no -0).
          expect(decoded).toEqual({
            ...env,
            body: JSON.parse(JSON.stringify(env.body)) as unknown,
          });
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
    const base = sample();
    const cases: [keyof Envelope, unknown, RegExp][] = [
      ['id', 5, /id must be a string/],
      ['team', 'bad team', /team is invalid/],
      ['from', '', /from is invalid/],
      ['to', 'a.b', /to is invalid/],
      ['type', 'has space', /type must be a dotted name/],
      ['lamport', 0, /lamport must be a positive integer/],
      ['seq', 1.5, /seq must be a positive integer/],
      ['attempt', -1, /attempt must be a positive integer/],
      ['causeId', 42, /causeId must be a string/],
      ['corrId', {}, /corrId must be a string/],
      ['sentAt', 'now', /sentAt must be a finite number/],
      ['v', 2, /unsupported envelope version 2/],
    ];
    for (const [key, value, reason] of cases) {
      expect(decodeEnvelope(encodeValue({ ...base, [key]: value }))).toMatch(reason);
    }
    expect(decodeEnvelope(encodeValue([1, 2, 3]))).toMatch(
      /msgpack map or envelope record, got an array/,
    );
    // Envelopes from encoders that write plain maps (any key order, nil for absent ids) are read too.
    const { body, ...rest } = base;
    const plain = decodeEnvelope(
      encodeValue(new Map(Object.entries({ body, ...rest, causeId: null }))),
    );
    expect(plain).toMatchObject({ id: 'x', causeId: undefined });
  });

  it('checks every name field of every envelope, also right after a valid one', () => {
    // Validation remembers the last valid team/from/to/type: a bad value that follows a good
    // one (in any field, in either order) must still be caught.
    const good = sample({ id: 'g' });
    const bad: [keyof Envelope, unknown, RegExp][] = [
      ['team', '', /team is invalid/],
      ['from', 'a b', /from is invalid/],
      ['to', '#', /to is invalid/],
      ['type', 'xstate.init', /reserved for xstate/],
      ['type', undefined, /type must be a dotted name/],
      ['team', null, /team is invalid/],
    ];
    for (const [key, value, reason] of bad) {
      expect(decodeEnvelope(encodeEnvelope(good))).toMatchObject({ id: 'g' });
      expect(decodeEnvelope(encodeValue({ ...good, [key]: value }))).toMatch(reason);
      expect(decodeEnvelope(encodeValue({ ...good, [key]: value }))).toMatch(reason);
    }
  });

  it('rejects one bad item of a batch and keeps the rest', () => {
    const good = sample({ id: 'g', type: 'm', lamport: 3, body: 1 });
    const bytes = encodeBatch([good, [1, 2, 3] as unknown as Envelope, { ...good, id: 'h' }]);
    const ids: string[] = [];
    const reasons: string[] = [];
    decodeFrame(
      bytes,
      (e) => ids.push(e.id),
      (r) => reasons.push(r),
    );
    expect(ids).toEqual(['g', 'h']);
    expect(reasons).toEqual([
      'batch item 1: envelope must be a msgpack map or envelope record, got an array',
    ]);
  });

  it('a body cannot pollute prototypes', () => {
    const hostile = JSON.parse('{"__proto__": {"polluted": true}}') as unknown;
    const env = sample({ id: 'p', type: 'x', body: hostile });
    const decoded = decodeEnvelope(encodeEnvelope(env));
    expect(typeof decoded).toBe('object');
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
    expect(Object.getPrototypeOf((decoded as Envelope).body)).toBe(Object.prototype);
  });

  it('encodes an envelope compactly: its keys are not on the wire', () => {
    const env = createEnvelope({
      id: 'abcdefghij-1',
      team: 'team',
      from: 'a',
      to: 'b',
      type: 'x.y',
      lamport: 1,
      seq: 1,
      attempt: 1,
      sentAt: 1,
      body: null,
    });
    expect(encodeEnvelope(env).length).toBeLessThan(50);
  });
});
