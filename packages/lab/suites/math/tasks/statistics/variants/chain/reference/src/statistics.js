import { simpson } from './integration.js';

export function normalPdf(x, mu = 0, sigma = 1) {
  const z = (x - mu) / sigma;
  return Math.exp(-0.5 * z * z) / (sigma * Math.sqrt(2 * Math.PI));
}

export function normalProbability(a, b, mu = 0, sigma = 1) {
  return simpson((x) => normalPdf(x, mu, sigma), a, b, 1000);
}

export function fittedProbability(xs, a, b) {
  return normalProbability(a, b, mean(xs), stddev(xs));
}
