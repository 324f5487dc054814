import { Packr } from 'msgpackr';
import {
  ENVELOPE_KEYS,
  validateEnvelope,
  type Envelope,
  type EnvelopeValidator,
} from './envelope.js';

function isEnvelopeRecord(value: object): boolean {
  return 'lamport' in value && 'sentAt' in value && 'attempt' in value;
}

/**
 * The one msgpackr configuration both sides use. The envelope is a record of one shared,
 * predefined structure (`ENVELOPE_KEYS`): its keys are never sent, and decoding builds the
 * envelope object directly. Only envelopes are records; bodies are plain maps, so nothing
 * else has to be agreed between processes (no structure table grows at run time).
 * 64-bit integers come back as numbers.
 */
const packr = new Packr({
  structures: [[...ENVELOPE_KEYS]],
  maxSharedStructures: 1,
  useRecords: isEnvelopeRecord,
  mapsAsObjects: true,
  variableMapSize: true,
  int64AsType: 'number',
});

/** Encodes one envelope as a NATS payload. */
export function encodeEnvelope(envelope: Envelope): Uint8Array {
  return packr.pack(envelope);
}

/**
 * Encodes several envelopes for one subject as a single NATS payload: an array of envelope
 * records. The host coalesces the sends of one tick this way (see `ActorHostOptions.batch`).
 */
export function encodeBatch(envelopes: readonly Envelope[]): Uint8Array {
  return packr.pack(envelopes);
}

/** Encodes any value with the shared configuration (tests and tools). */
export function encodeValue(value: unknown): Uint8Array {
  return packr.pack(value);
}

/** Decodes a value encoded with `encodeValue`. */
export function decodeValue(bytes: Uint8Array): unknown {
  return packr.unpack(bytes);
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
  validate: EnvelopeValidator = validateEnvelope,
): number {
  let decoded: unknown;
  try {
    decoded = packr.unpack(bytes);
  } catch (err) {
    onReject(`undecodable msgpack (${bytes.length} bytes): ${(err as Error).message}`);
    return 0;
  }
  if (!Array.isArray(decoded)) {
    const env = validate(decoded);
    if (typeof env === 'string') {
      onReject(env);
      return 0;
    }
    onEnvelope(env);
    return 1;
  }
  if (decoded.length === 0) {
    onReject('payload is an empty batch');
    return 0;
  }
  let accepted = 0;
  for (let i = 0; i < decoded.length; i++) {
    const env = validate(decoded[i]);
    if (typeof env === 'string') onReject(`batch item ${i}: ${env}`, i);
    else {
      accepted++;
      onEnvelope(env);
    }
  }
  return accepted;
}

/** Decodes exactly one envelope (JetStream inboxes never carry batches). */
export function decodeEnvelope(
  bytes: Uint8Array,
  validate: EnvelopeValidator = validateEnvelope,
): Envelope | string {
  let decoded: unknown;
  try {
    decoded = packr.unpack(bytes);
  } catch (err) {
    return `undecodable msgpack (${bytes.length} bytes): ${(err as Error).message}`;
  }
  return validate(decoded);
}
