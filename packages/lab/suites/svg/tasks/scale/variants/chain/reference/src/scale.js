import { bounds } from './geometry.js';

export function scaleToFit(points, width, height, margin = 0) {
  const box = bounds(points);
  return {
    x: linearScale([box.x, box.x + box.width], [margin, width - margin]),
    y: linearScale([box.y, box.y + box.height], [height - margin, margin]),
  };
}
