function assertInteger(name, value) {
  if (!Number.isSafeInteger(value)) throw new TypeError(`${name} must be a safe integer, got ${value}`);
}

export function gcd(a, b) {
  assertInteger('a', a);
  assertInteger('b', b);
  let x = Math.abs(a);
  let y = Math.abs(b);
  while (y !== 0) [x, y] = [y, x % y];
  return x;
}

export function lcm(a, b) {
  const g = gcd(a, b);
  if (a === 0 || b === 0) return 0;
  return Math.abs((a / g) * b);
}

/** Iterative extended Euclid: keeps the Bezout coefficients alongside the remainders. */
export function egcd(a, b) {
  assertInteger('a', a);
  assertInteger('b', b);
  let [oldR, r] = [a, b];
  let [oldX, x] = [1, 0];
  let [oldY, y] = [0, 1];
  while (r !== 0) {
    const q = Math.trunc(oldR / r);
    [oldR, r] = [r, oldR - q * r];
    [oldX, x] = [x, oldX - q * x];
    [oldY, y] = [y, oldY - q * y];
  }
  if (oldR < 0) return { g: -oldR, x: -oldX, y: -oldY };
  return { g: oldR, x: oldX, y: oldY };
}
