function assertSamples(xs, ys) {
  if (xs.length !== ys.length || xs.length === 0) throw new RangeError('xs and ys must be non-empty and equally long');
}

export function linearInterpolate(xs, ys, x) {
  assertSamples(xs, ys);
  if (x < xs[0] || x > xs[xs.length - 1]) throw new RangeError(`${x} is outside [${xs[0]}, ${xs[xs.length - 1]}]`);
  let i = 0;
  while (i < xs.length - 2 && x > xs[i + 1]) i++;
  if (xs.length === 1) return ys[0];
  const t = (x - xs[i]) / (xs[i + 1] - xs[i]);
  return ys[i] + t * (ys[i + 1] - ys[i]);
}

export function lagrange(xs, ys, x) {
  assertSamples(xs, ys);
  if (new Set(xs).size !== xs.length) throw new RangeError('lagrange needs distinct xs');
  let total = 0;
  for (let i = 0; i < xs.length; i++) {
    let basis = 1;
    for (let j = 0; j < xs.length; j++) {
      if (j !== i) basis *= (x - xs[j]) / (xs[i] - xs[j]);
    }
    total += ys[i] * basis;
  }
  return total;
}

export function resample(xs, ys, newXs) {
  return newXs.map((x) => linearInterpolate(xs, ys, x));
}
