import { findRoots } from './roots.js';

export function absoluteArea(f, a, b, n = 1000) {
  const cuts = [a, ...findRoots(f, a, b).filter((r) => r > a && r < b), b];
  let area = 0;
  for (let i = 0; i + 1 < cuts.length; i++) area += Math.abs(simpson(f, cuts[i], cuts[i + 1], n));
  return area;
}
