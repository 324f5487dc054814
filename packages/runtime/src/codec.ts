import { Packr } from 'msgpackr';
import { envelopeFromTuple, envelopeToTuple, type Envelope } from './envelope.js';

/**
 * The one msgpackr configuration both sides use. Plain arrays and maps (no records, so no
 * structure table has to be shared or kept in sync between processes); 64-bit integers come
 * back as numbers.
 */
const packr = new Packr({
  useRecords: false,
  mapsAsObjects: true,
  variableMapSize: true,
  int64AsType: 'number',
});

/** Encodes one envelope as a NATS payload. */
export function encodeEnvelope(envelope: Envelope): Uint8Array {
  return packr.pack(envelopeToTuple(envelope));
}

/**
 * Encodes several envelopes for one subject as a single NATS payload: an array of envelope
 * tuples. The host coalesces the sends of one tick this way (see `ActorHostOptions.batch`).
 */
export function encodeBatch(envelopes: readonly Envelope[]): Uint8Array {
  return packr.pack(envelopes.map(envelopeToTuple));
}

/** Encodes any value with the shared configuration (tests and tools). */
export function encodeValue(value: unknown): Uint8Array {
  return packr.pack(value);
}

/**
 * Decodes a payload holding one envelope or a batch, calling `onEnvelope` for each valid one
 * and `onReject` with a reason for each invalid one (or once, when nothing decodes).
 * Returns how many envelopes were accepted.
 */
export function decodeFrame(
  bytes: Uint8Array,
  onEnvelope: (envelope: Envelope) => void,
  onReject: (reason: string, index?: number) => void,
): number {
  let decoded: unknown;
  try {
    decoded = packr.unpack(bytes);
  } catch (err) {
    onReject(`undecodable msgpack (${bytes.length} bytes): ${(err as Error).message}`);
    return 0;
  }
  if (!Array.isArray(decoded) || decoded.length === 0) {
    onReject(
      `payload is not an envelope: expected a msgpack array, got ${Array.isArray(decoded) ? 'an empty array' : typeof decoded}`,
    );
    return 0;
  }
  if (!Array.isArray(decoded[0])) {
    const env = envelopeFromTuple(decoded);
    if (typeof env === 'string') {
      onReject(env);
      return 0;
    }
    onEnvelope(env);
    return 1;
  }
  let accepted = 0;
  for (let i = 0; i < decoded.length; i++) {
    const env = envelopeFromTuple(decoded[i]);
    if (typeof env === 'string') onReject(`batch item ${i}: ${env}`, i);
    else {
      accepted++;
      onEnvelope(env);
    }
  }
  return accepted;
}

/** Decodes exactly one envelope (JetStream inboxes never carry batches). */
export function decodeEnvelope(bytes: Uint8Array): Envelope | string {
  let decoded: unknown;
  try {
    decoded = packr.unpack(bytes);
  } catch (err) {
    return `undecodable msgpack (${bytes.length} bytes): ${(err as Error).message}`;
  }
  return envelopeFromTuple(decoded);
}

/** Decodes a value encoded with `encodeValue`. */
export function decodeValue(bytes: Uint8Array): unknown {
  return packr.unpack(bytes);
}
