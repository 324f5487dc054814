function integrate(step, y0, t0, t1, steps) {
  if (!Number.isInteger(steps) || steps <= 0) throw new RangeError(`steps must be a positive integer, got ${steps}`);
  const h = (t1 - t0) / steps;
  const out = [[t0, y0]];
  let y = y0;
  for (let i = 0; i < steps; i++) {
    const t = t0 + i * h;
    y = step(t, y, h);
    out.push([i + 1 === steps ? t1 : t0 + (i + 1) * h, y]);
  }
  return out;
}

export function euler(f, y0, t0, t1, steps) {
  return integrate((t, y, h) => y + h * f(t, y), y0, t0, t1, steps);
}

export function rk4(f, y0, t0, t1, steps) {
  return integrate(
    (t, y, h) => {
      const k1 = f(t, y);
      const k2 = f(t + h / 2, y + (h / 2) * k1);
      const k3 = f(t + h / 2, y + (h / 2) * k2);
      const k4 = f(t + h, y + h * k3);
      return y + (h / 6) * (k1 + 2 * k2 + 2 * k3 + k4);
    },
    y0,
    t0,
    t1,
    steps,
  );
}
