import { formatTick, niceLinearScale } from './ticks.js';

export function axisFor(domain, range, orient, { count = 5, translate } = {}) {
  const nice = niceLinearScale(domain, range, count);
  const ticks = nice.ticks.map((value) => ({ value, position: nice.scale(value), label: formatTick(value, nice.step) }));
  const length = Math.max(...range.map(Math.abs));
  return { svg: renderAxis({ orient, ticks, length, translate }), ticks, domain: nice.domain };
}
