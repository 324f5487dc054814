/**
 * Seeded randomness. Every random choice in the runtime and above (ids, jitter, faults,
 * simulated models, schedules) draws from a `Random`, so one seed reproduces a run.
 * sfc32: small, fast, and good enough for simulation (not for cryptography).
 */
export interface Random {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [0, n). */
  int(n: number): number;
  /** An independent stream derived from this generator's seed and `label`: adding draws to
   *  one component does not shift the numbers another component sees. */
  fork(label: string): Random;
  readonly seed: string;
}

function cyrb128(str: string): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < str.length; i++) {
    const k = str.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

/** A generator seeded by `seed` (any number or string). */
export function createRandom(seed: number | string): Random {
  const seedText = String(seed);
  // Seeded at the first draw: many forks are made for a draw that may never come (a retry's
  // backoff, a fault that is not injected), and hashing the seed is most of their cost.
  let state: Uint32Array | undefined;
  const next = () => sfc32((state ??= seeded(seedText)));
  return {
    seed: seedText,
    next,
    int: (n) => Math.floor(next() * n),
    fork: (label) => createRandom(`${seedText}/${label}`),
  };
}

/** sfc32's state for `seedText`, past its warm-up (its first outputs correlate with the seed
 *  words). A typed array, so a draw allocates nothing. */
function seeded(seedText: string): Uint32Array {
  const state = Uint32Array.from(cyrb128(seedText));
  for (let i = 0; i < 12; i++) sfc32(state);
  return state;
}

/** One sfc32 step over `s` (a, b, c, d): a float in [0, 1). */
function sfc32(s: Uint32Array): number {
  const a = s[0]!;
  const b = s[1]!;
  const c = s[2]!;
  const d = (s[3]! + 1) | 0;
  const t = (((a + b) | 0) + d) | 0;
  s[0] = b ^ (b >>> 9);
  s[1] = (c + (c << 3)) | 0;
  s[2] = (((c << 21) | (c >>> 11)) + t) | 0;
  s[3] = d;
  return (t >>> 0) / 4294967296;
}

/** A seed from the OS, for runs where the caller gave none (it is recorded in the result). */
export function randomSeed(): string {
  return crypto.getRandomValues(new Uint32Array(2)).join('');
}
