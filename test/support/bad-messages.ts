/**
 * Bad messages for a team's subjects, as fast-check arbitraries: random bytes, truncated and
 * bit-flipped envelopes, oversize payloads, envelopes with a wrong-typed field, JSON text and
 * empty payloads, each aimed at one subject a team listens on. With `expectRejected`, a test
 * knows which of them the team must refuse (the runtime's own decoders are the oracle: a
 * bit flip may leave a valid envelope, which is then delivered, not rejected).
 */
import fc from 'fast-check';
import {
  createEnvelope,
  decodeEnvelope,
  decodeFaultControl,
  decodeFrame,
  encodeEnvelope,
  encodeValue,
  parseHeartbeat,
} from '@llm-teams/runtime';

/** A subject of the team and what listens there. */
export type FuzzTarget =
  | { kind: 'inbox' | 'durable' | 'heartbeat'; actor: string }
  | { kind: 'topic'; topic: string }
  | { kind: 'control'; op: string }
  | { kind: 'trace' };

export interface BadMessage {
  target: FuzzTarget;
  /** How it was made: random, truncated, bitflip, oversize, wrong-type, json, empty. */
  shape: string;
  data: Uint8Array;
}

export function subjectOf(team: string, target: FuzzTarget, prefix = 'llmt'): string {
  const base = `${prefix}.${team}`;
  switch (target.kind) {
    case 'inbox':
      return `${base}.actor.${target.actor}`;
    case 'durable':
      return `${base}.actor.${target.actor}.durable`;
    case 'heartbeat':
      return `${base}.hb.${target.actor}`;
    case 'topic':
      return `${base}.topic.${target.topic}`;
    case 'control':
      return `${base}.control.fault.${target.op}`;
    case 'trace':
      return `${base}.trace`;
  }
}

/** Every subject of a team with `members` and `topics`. */
export function teamTargets(members: readonly string[], topics: readonly string[]): FuzzTarget[] {
  return [
    ...members.flatMap((actor) => [
      { kind: 'inbox' as const, actor },
      { kind: 'durable' as const, actor },
      { kind: 'heartbeat' as const, actor },
    ]),
    ...topics.map((topic) => ({ kind: 'topic' as const, topic })),
    { kind: 'control', op: 'add' },
    { kind: 'control', op: 'list' },
    { kind: 'control', op: 'bogus' },
    { kind: 'trace' },
  ];
}

/** The envelope a stranger would aim at `target` (the base of the envelope-shaped kinds). */
function baseEnvelope(team: string, target: FuzzTarget, id: string, body: unknown = { n: 1 }) {
  const to =
    target.kind === 'topic' ? `#${target.topic}` : 'actor' in target ? target.actor : 'coord1';
  return strangerEnvelope(team, to, id, body);
}

/** A well-formed `noise.msg` from a stranger to `to`: what the malformed messages are made of. */
export function strangerEnvelope(team: string, to: string, id: string, body: unknown) {
  return createEnvelope({
    id,
    team,
    from: 'stranger',
    to,
    type: 'noise.msg',
    lamport: 1,
    seq: 1,
    attempt: 1,
    sentAt: 0,
    body,
  });
}

const WRONG_FIELDS: [string, unknown][] = [
  ['v', 2],
  ['id', 42],
  ['id', ''],
  ['team', 'a.b'],
  ['from', null],
  ['to', '#'],
  ['type', 'send.failed'],
  ['type', 'ask.failed'],
  ['type', 'xstate.init'],
  ['lamport', 'late'],
  ['seq', -1],
  ['attempt', 0],
  ['sentAt', 'now'],
  ['causeId', 7],
  ['corrId', { x: 1 }],
];

/** Bad messages for `team`, each aimed at one of `targets`. */
export function badMessageArb(team: string, targets: readonly FuzzTarget[]) {
  const target = fc.constantFrom(...targets);
  const id = fc.stringMatching(/^[a-z0-9]{4,12}$/).map((s) => `fuzz-${s}`);
  const envelopeBytes = fc
    .tuple(target, id)
    .map(([t, i]) => ({ target: t, bytes: encodeEnvelope(baseEnvelope(team, t, i)) }));
  const shapes: fc.Arbitrary<BadMessage>[] = [
    fc.tuple(target, fc.uint8Array({ minLength: 1, maxLength: 300 })).map(([t, data]) => ({
      target: t,
      shape: 'random',
      data,
    })),
    envelopeBytes.chain(({ target: t, bytes }) =>
      fc.integer({ min: 0, max: bytes.length - 1 }).map((cut) => ({
        target: t,
        shape: 'truncated',
        data: bytes.subarray(0, cut),
      })),
    ),
    envelopeBytes.chain(({ target: t, bytes }) =>
      fc
        .array(fc.tuple(fc.nat(bytes.length - 1), fc.nat(7)), { minLength: 1, maxLength: 3 })
        .map((flips) => {
          const data = Uint8Array.from(bytes);
          for (const [at, bit] of flips) data[at]! ^= 1 << bit;
          return { target: t, shape: 'bitflip', data };
        }),
    ),
    fc
      .tuple(target, id, fc.integer({ min: 20_000, max: 200_000 }), fc.boolean())
      .map(([t, i, size, raw]) => ({
        target: t,
        shape: 'oversize',
        // Random bytes, or an envelope with a huge body and an id far over its 128 characters.
        data: raw
          ? Uint8Array.from({ length: size }, (_, k) => (k * 131 + size) & 0xff)
          : encodeValue({ ...baseEnvelope(team, t, i.repeat(40), 'x'.repeat(size)) }),
      })),
    fc.tuple(target, id, fc.constantFrom(...WRONG_FIELDS)).map(([t, i, [field, value]]) => ({
      target: t,
      shape: 'wrong-type',
      data: encodeValue({ ...baseEnvelope(team, t, i), [field]: value }),
    })),
    fc.tuple(target, fc.json()).map(([t, json]) => ({
      target: t,
      shape: 'json',
      data: new TextEncoder().encode(json),
    })),
    target.map((t) => ({ target: t, shape: 'empty', data: new Uint8Array(0) })),
  ];
  // Oversize payloads are few: they cost the broker and the dead-letter stream real bytes.
  return fc.oneof(...shapes.map((arbitrary, i) => ({ arbitrary, weight: i === 3 ? 1 : 6 })));
}

/**
 * Whether the team must refuse `message` (count, trace and dead-letter it once), judged by the
 * runtime's own decoders; a valid one is delivered instead. `trace` has no listener in a run
 * without a trace collector: nothing to refuse.
 */
export function expectRejected(team: string, message: BadMessage): boolean {
  const { target, data } = message;
  switch (target.kind) {
    case 'inbox':
    case 'topic': {
      const to = target.kind === 'topic' ? `#${target.topic}` : target.actor;
      let refused = false;
      decodeFrame(
        data,
        (env) => {
          if (env.to !== to || env.team !== team) refused = true;
        },
        () => (refused = true),
      );
      return refused;
    }
    case 'durable': {
      const env = decodeEnvelope(data);
      return typeof env === 'string' || env.to !== target.actor || env.team !== team;
    }
    case 'heartbeat':
      return typeof parseHeartbeat(data, subjectOf(team, target)) === 'string';
    case 'control':
      return typeof decodeFaultControl(target.op, data) === 'string';
    case 'trace':
      return false;
  }
}
