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
  let [a, b, c, d] = cyrb128(seedText);
  const next = () => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  // Warm up: the first outputs of sfc32 correlate with the seed words.
  for (let i = 0; i < 12; i++) next();
  return {
    seed: seedText,
    next,
    int: (n) => Math.floor(next() * n),
    fork: (label) => createRandom(`${seedText}/${label}`),
  };
}

/** A seed from the OS, for runs where the caller gave none (it is recorded in the result). */
export function randomSeed(): string {
  return crypto.getRandomValues(new Uint32Array(2)).join('');
}
