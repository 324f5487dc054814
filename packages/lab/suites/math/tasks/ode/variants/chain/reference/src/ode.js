import { derivative } from './differentiation.js';

export function backwardEuler(f, y0, t0, t1, steps) {
  return integrate(
    (t, yn, h) => {
      const g = (y) => y - yn - h * f(t + h, y);
      let y = yn;
      for (let i = 0; i < 50; i++) {
        const update = g(y) / derivative(g, y);
        y -= update;
        if (Math.abs(update) < 1e-12 * Math.max(1, Math.abs(y))) break;
      }
      return y;
    },
    y0,
    t0,
    t1,
    steps,
  );
}
