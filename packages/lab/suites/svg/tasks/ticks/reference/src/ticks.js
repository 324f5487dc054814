export function tickStep(min, max, count = 5) {
  if (!(min < max)) throw new RangeError(`tickStep needs min < max, got ${min}, ${max}`);
  const raw = (max - min) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const error = raw / power;
  if (error >= Math.sqrt(50)) return power * 10;
  if (error >= Math.sqrt(10)) return power * 5;
  if (error >= Math.sqrt(2)) return power * 2;
  return power;
}

/** Integer bounds and a map back to values; fractional steps go through 1 / step to avoid float noise. */
function grid(min, max, step) {
  // `+ 0` turns -0 (from Math.ceil(-0.37)) into 0.
  if (step >= 1) return { lo: min / step, hi: max / step, at: (i) => i * step + 0 };
  const inv = 1 / step;
  return { lo: min * inv, hi: max * inv, at: (i) => i / inv + 0 };
}

export function niceTicks(min, max, count = 5) {
  if (min === max) return [min];
  const { lo, hi, at } = grid(min, max, tickStep(min, max, count));
  const ticks = [];
  for (let i = Math.ceil(lo); i <= Math.floor(hi); i++) ticks.push(at(i));
  return ticks;
}

export function niceDomain(min, max, count = 5) {
  if (min === max) return [min, max];
  const { lo, hi, at } = grid(min, max, tickStep(min, max, count));
  return [at(Math.floor(lo)), at(Math.ceil(hi))];
}

export function formatTick(value, step) {
  return value.toFixed(Math.max(0, -Math.floor(Math.log10(step))));
}
