import { applyToPoint } from './transform.js';

export function transformedBounds(points, m) {
  return bounds(points.map((p) => applyToPoint(m, p)));
}
