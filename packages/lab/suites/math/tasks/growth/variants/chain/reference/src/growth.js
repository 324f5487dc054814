import { rk4 } from './ode.js';

export function simulateLogistic(p0, rate, capacity, t1, steps) {
  return rk4((_, p) => rate * p * (1 - p / capacity), p0, 0, t1, steps);
}

export function maxSimulationError(p0, rate, capacity, t1, steps) {
  return Math.max(
    ...simulateLogistic(p0, rate, capacity, t1, steps).map(([t, p]) => Math.abs(p - logistic(p0, rate, capacity, t))),
  );
}
