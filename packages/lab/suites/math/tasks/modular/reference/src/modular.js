function assertModulus(m) {
  if (!Number.isSafeInteger(m) || m <= 0) throw new RangeError(`modulus must be a positive safe integer, got ${m}`);
}

export function mod(a, m) {
  assertModulus(m);
  return ((a % m) + m) % m;
}

export function modMul(a, b, m) {
  assertModulus(m);
  const big = BigInt(m);
  return Number((((BigInt(a) * BigInt(b)) % big) + big) % big);
}

/** Square-and-multiply in BigInt: intermediate squares of safe integers overflow doubles. */
export function modPow(base, exp, m) {
  assertModulus(m);
  if (!Number.isSafeInteger(exp) || exp < 0) throw new RangeError(`exponent must be a non-negative integer, got ${exp}`);
  const big = BigInt(m);
  let b = ((BigInt(base) % big) + big) % big;
  let e = BigInt(exp);
  let result = 1n % big;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % big;
    b = (b * b) % big;
    e >>= 1n;
  }
  return Number(result);
}
