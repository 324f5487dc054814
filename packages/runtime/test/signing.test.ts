import { describe, expect, it } from 'vitest';
import { fromPublic, fromSeed } from '@nats-io/nkeys';
import {
  createActorSigningKeys,
  createEnvelope,
  createEnvelopeSigner,
  encodeBatch,
  encodeEnvelope,
  SIGNATURE_HEADER,
  SIGNING_KEY_HEADER,
  type Envelope,
} from '@llm-teams/runtime';

const env = (from: string, to: string, n: number): Envelope =>
  createEnvelope({
    id: `${from}-${n}`,
    team: 'sig',
    from,
    to,
    type: 'note.add',
    lamport: n,
    seq: n,
    attempt: 1,
    sentAt: 1_700_000_000_000,
    body: { n },
  });

function decodeAll(
  signer: ReturnType<typeof createEnvelopeSigner>,
  data: Uint8Array,
  headers: Parameters<typeof signer.decodeFrame>[1],
) {
  const accepted: Envelope[] = [];
  /** `<claimed sender or -> | <reason>` per rejection. */
  const rejected: string[] = [];
  signer.decodeFrame(
    data,
    headers,
    (e) => accepted.push(e),
    (reason, e) => rejected.push(`${e?.from ?? '-'} | ${reason}`),
  );
  return { accepted, rejected };
}

describe('envelope signing', () => {
  const { keys, trusted } = createActorSigningKeys(['alice', 'bob', 'mallory']);

  it('makes standard nkey signatures: nkeys verifies what the native signer signed', () => {
    const signer = createEnvelopeSigner({ keys: { alice: keys['alice']! }, trusted });
    const data = encodeEnvelope(env('alice', 'bob', 1));
    const h = signer.sign('alice', data);
    expect(h.get(SIGNING_KEY_HEADER)).toBe(trusted['alice']);
    const sig = Buffer.from(h.get(SIGNATURE_HEADER), 'base64');
    expect(fromPublic(trusted['alice']!).verify(data, sig)).toBe(true);
    // Deterministic ed25519: the same bytes as nkeys' own signature.
    const own = fromSeed(new TextEncoder().encode(keys['alice'])).sign(data);
    expect(Buffer.from(own).equals(sig)).toBe(true);
  });

  it('accepts a signed batch whose senders the key speaks for', () => {
    const shared = createEnvelopeSigner({
      keys: { alice: keys['alice']!, carol: keys['alice']! },
      trusted: { ...trusted, carol: trusted['alice']! },
    });
    const batch = [env('alice', 'bob', 1), env('carol', 'bob', 2), env('alice', 'bob', 3)];
    expect(shared.groupBySigner(batch)).toEqual([batch]);
    const data = encodeBatch(batch);
    const out = decodeAll(shared, data, shared.sign('alice', data));
    expect(out.rejected).toEqual([]);
    expect(out.accepted.map((e) => e.id)).toEqual(['alice-1', 'carol-2', 'alice-3']);
  });

  it('rejects an envelope whose from is not the signing key', () => {
    const signer = createEnvelopeSigner({ keys: { mallory: keys['mallory']! }, trusted });
    const batch = [env('mallory', 'bob', 1), env('alice', 'bob', 2)];
    const data = encodeBatch(batch);
    const out = decodeAll(signer, data, signer.sign('mallory', data));
    expect(out.accepted.map((e) => e.from)).toEqual(['mallory']);
    expect(out.rejected).toHaveLength(1);
    expect(out.rejected[0]).toMatch(/^alice \| .*not by alice's key/);
  });

  it('rejects tampered, unsigned, untrusted and malformed frames, naming claimed senders', () => {
    const signer = createEnvelopeSigner({ keys: { alice: keys['alice']! }, trusted });
    const data = encodeEnvelope(env('alice', 'bob', 1));
    const h = signer.sign('alice', data);
    const tampered = encodeEnvelope({ ...env('alice', 'bob', 1), body: { n: 999 } });
    expect(decodeAll(signer, tampered, h).rejected).toEqual([
      'alice | bad signature: the payload was not signed by key ' +
        trusted['alice']!.slice(0, 8) +
        '...',
    ]);
    expect(decodeAll(signer, data, undefined).rejected[0]).toMatch(/unsigned/);

    const stranger = createActorSigningKeys(['alice']);
    const foreign = createEnvelopeSigner({ keys: stranger.keys, trusted: stranger.trusted });
    expect(decodeAll(signer, data, foreign.sign('alice', data)).rejected[0]).toMatch(
      /not in the trust store/,
    );

    const short = signer.sign('alice', data);
    short.set(SIGNATURE_HEADER, 'AAAA');
    expect(decodeAll(signer, data, short).rejected[0]).toMatch(/bad signature/);

    const garbage = new Uint8Array([0xc1, 0xc1, 0xc1]);
    const undecodable = decodeAll(signer, garbage, signer.sign('alice', garbage)).rejected;
    expect(undecodable).toHaveLength(1);
    expect(undecodable[0]).toMatch(/^- \| undecodable/);
    // A bad signature on an undecodable frame is reported once, for the whole frame.
    const badAndUndecodable = decodeAll(signer, garbage, h).rejected;
    expect(badAndUndecodable).toHaveLength(1);
    expect(badAndUndecodable[0]).toMatch(/^- \| bad signature/);
  });

  it('rejects senders missing from the trust store even with a valid signature', () => {
    const eve = createActorSigningKeys(['eve']);
    const signer = createEnvelopeSigner({
      keys: eve.keys,
      trusted: { ...trusted, ...eve.trusted },
    });
    const receiver = createEnvelopeSigner({ trusted: { ...trusted, x: eve.trusted['eve']! } });
    const data = encodeEnvelope(env('eve', 'bob', 1));
    expect(decodeAll(receiver, data, signer.sign('eve', data)).rejected[0]).toMatch(
      /sender eve is not in the trust store/,
    );
  });

  it('accepts unsigned frames when signing is not required, still checking signed ones', () => {
    const lenient = createEnvelopeSigner({ trusted, required: false });
    const data = encodeEnvelope(env('alice', 'bob', 1));
    expect(decodeAll(lenient, data, undefined).accepted).toHaveLength(1);
    const mallory = createEnvelopeSigner({ keys: { mallory: keys['mallory']! }, trusted });
    expect(decodeAll(lenient, data, mallory.sign('mallory', data)).rejected).toHaveLength(1);
  });

  it('splits a batch of several signers into per-signer runs in order', () => {
    const signer = createEnvelopeSigner({ keys, trusted });
    const batch = [env('alice', 'x', 1), env('bob', 'x', 1), env('alice', 'x', 2)];
    expect(signer.groupBySigner(batch).map((g) => g.map((e) => e.id))).toEqual([
      ['alice-1', 'alice-2'],
      ['bob-1'],
    ]);
  });

  it('never puts a seed in an error message', () => {
    const seed = keys['alice']!;
    const broken = seed.slice(0, -2) + (seed.endsWith('AA') ? 'BB' : 'AA');
    let message = '';
    try {
      createEnvelopeSigner({ keys: { alice: broken }, trusted });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/not a valid nkey seed/);
    expect(message).not.toContain(broken);
    expect(() => createEnvelopeSigner({ keys: {}, trusted }).assertCanSign('alice')).toThrow(
      /no signing key for actor alice/,
    );
    expect(() => createEnvelopeSigner({ trusted: { alice: 'UNOTAKEY' } })).toThrow(
      /not a public nkey/,
    );
  });
});
