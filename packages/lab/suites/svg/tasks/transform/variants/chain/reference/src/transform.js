import { polygonPath } from './path.js';

export function transformPolygon(points, m) {
  return polygonPath(points.map((p) => applyToPoint(m, p)));
}
