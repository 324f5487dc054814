export function linearFit(xs, ys) {
  if (xs.length !== ys.length) throw new RangeError('samples must have the same length');
  const points = xs.flatMap((x, i) => (x === null || ys[i] === null ? [] : [[x, ys[i]]]));
  if (points.length < 2) throw new RangeError('need at least two points');
  const mx = points.reduce((s, [x]) => s + x, 0) / points.length;
  const my = points.reduce((s, [, y]) => s + y, 0) / points.length;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (const [x, y] of points) {
    sxx += (x - mx) ** 2;
    sxy += (x - mx) * (y - my);
    syy += (y - my) ** 2;
  }
  if (sxx === 0) throw new RangeError('all x values are equal');
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  const r2 = syy === 0 ? 1 : (sxy * sxy) / (sxx * syy);
  return { slope, intercept, r2 };
}

export function predict(fit, x) {
  return fit.intercept + fit.slope * x;
}

export function residuals(fit, xs, ys) {
  return xs.map((x, i) => (x === null || ys[i] === null ? null : ys[i] - predict(fit, x)));
}
