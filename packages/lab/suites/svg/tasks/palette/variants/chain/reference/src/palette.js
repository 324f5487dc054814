import { contrastRatio, mix } from './color.js';

export function shadesOf(accent, n) {
  return Array.from({ length: n }, (_, i) => mix('#ffffff', accent, (i + 1) / n));
}

export function accessibleColors(colors, background, minRatio = 3) {
  return colors.filter((c) => contrastRatio(c, background) >= minRatio);
}
