import { axisFor } from './axis.js';

export function gridFor(domain, range, orient, length, count = 5) {
  const { ticks } = axisFor(domain, range, orient === 'horizontal' ? 'left' : 'bottom', { count });
  return gridLines({ orient, positions: ticks.map((t) => t.position), length });
}
