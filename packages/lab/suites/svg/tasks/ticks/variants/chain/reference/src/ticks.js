import { linearScale } from './scale.js';

export function niceLinearScale(domain, range, count = 5) {
  const nice = niceDomain(domain[0], domain[1], count);
  return {
    scale: linearScale(nice, range),
    ticks: niceTicks(nice[0], nice[1], count),
    step: tickStep(nice[0], nice[1], count),
    domain: nice,
  };
}
