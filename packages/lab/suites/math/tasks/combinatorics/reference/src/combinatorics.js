export function factorial(n) {
  if (!Number.isInteger(n) || n < 0 || n > 170) throw new RangeError(`factorial needs an integer in [0, 170], got ${n}`);
  let result = 1;
  for (let i = 2; i <= n; i++) result *= i;
  return result;
}

export function binomial(n, k) {
  if (!Number.isInteger(n) || n < 0 || !Number.isInteger(k)) throw new RangeError(`binomial needs integers n >= 0 and k, got ${n}, ${k}`);
  if (k < 0 || k > n) return 0;
  const small = Math.min(k, n - k);
  let result = 1;
  for (let i = 1; i <= small; i++) result = (result * (n - small + i)) / i;
  return Math.round(result);
}

export function permutations(items) {
  if (items.length === 0) return [[]];
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  );
}

export function combinations(items, k) {
  if (k === 0) return [[]];
  if (k > items.length) return [];
  const [first, ...rest] = items;
  return [...combinations(rest, k - 1).map((c) => [first, ...c]), ...combinations(rest, k)];
}
