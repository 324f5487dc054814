import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeEnvelope,
  decodeFrame,
  encodeBatch,
  encodeEnvelope,
  encodeValue,
  createEnvelope,
  createEnvelopeValidator,
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
    // A validator remembers its last valid team/from/to/type: a bad value that follows a good
    // one (in any field, in either order) must still be caught. Each host has its own.
    const validate = createEnvelopeValidator();
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
      expect(decodeEnvelope(encodeEnvelope(good), validate)).toMatchObject({ id: 'g' });
      expect(decodeEnvelope(encodeValue({ ...good, [key]: value }), validate)).toMatch(reason);
      expect(decodeEnvelope(encodeValue({ ...good, [key]: value }), validate)).toMatch(reason);
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

  it('reports what one payload held: the count of accepted envelopes, a rejected single, an empty batch', () => {
    const seen: string[] = [];
    const reasons: string[] = [];
    const decode = (bytes: Uint8Array) =>
      decodeFrame(
        bytes,
        (e) => seen.push(e.id),
        (r) => reasons.push(r),
      );
    expect(decode(encodeBatch([sample({ id: 'a' }), sample({ id: 'b' })]))).toBe(2);
    expect(decode(encodeEnvelope(sample({ id: 'c' })))).toBe(1);
    expect(decode(encodeValue({ not: 'an envelope' }))).toBe(0);
    expect(decode(encodeValue([]))).toBe(0);
    expect(seen).toEqual(['a', 'b', 'c']);
    expect(reasons).toHaveLength(2);
    expect(reasons[0]).toMatch(/envelope/);
    expect(reasons[1]).toBe('payload is an empty batch');
  });

  it('names undecodable bytes and their length, for a frame and for one envelope', () => {
    const bytes = new Uint8Array([0xd9]); // a string whose length byte is missing
    const reasons: string[] = [];
    expect(
      decodeFrame(
        bytes,
        () => undefined,
        (r) => reasons.push(r),
      ),
    ).toBe(0);
    expect(reasons).toEqual([expect.stringMatching(/^undecodable msgpack \(1 bytes\): ./)]);
    expect(decodeEnvelope(bytes)).toMatch(/^undecodable msgpack \(1 bytes\): ./);
  });

  it('only envelopes are records: any other map goes as a plain msgpack map, keys and all', () => {
    // A body, or anything else, is a map any msgpack decoder reads (a fixmap: 0x80 + size),
    // also one with some of an envelope's keys; an envelope is a record (its keys not sent).
    expect(encodeValue({ a: 1 })[0]).toBe(0x81);
    expect(encodeValue({ lamport: 1, sentAt: 2 })[0]).toBe(0x82);
    expect(encodeValue({ lamport: 1, attempt: 2 })[0]).toBe(0x82);
    expect(encodeValue({ sentAt: 1, attempt: 2 })[0]).toBe(0x82);
    expect(encodeEnvelope(sample())[0]).not.toBe(0x80 + Object.keys(sample()).length);
    const body = { type: 'x', nested: { id: 'y' } };
    const bytes = encodeEnvelope(sample({ body }));
    expect(new TextDecoder().decode(bytes)).toContain('nested');
  });
});
