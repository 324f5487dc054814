import type { Random } from './random.js';

/** Makes envelope ids: unique per logical message, stable across its retries. */
export type IdGenerator = () => string;

export interface IdGeneratorOptions {
  /** Source of the per-generator prefix. Default: the OS's randomness. */
  random?: Random;
  /** A fixed prefix instead of a random one. */
  prefix?: string;
}

/**
 * Ids are `<prefix>-<counter>`: a counter is cheap (no per-message randomness) and the
 * 10-character random prefix keeps two generators, or two incarnations of one process,
 * from colliding within JetStream's duplicate window.
 */
export function createIdGenerator(options: IdGeneratorOptions = {}): IdGenerator {
  let prefix = options.prefix;
  if (prefix === undefined) {
    const r = options.random;
    const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
    prefix = '';
    const bytes = r ? undefined : crypto.getRandomValues(new Uint8Array(10));
    for (let i = 0; i < 10; i++) {
      const n = r ? r.int(36) : bytes![i]! % 36;
      prefix += alphabet[n];
    }
  }
  let counter = 0;
  const base = `${prefix}-`;
  return () => base + (counter++).toString(36);
}
