export const CATEGORICAL = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

const channels = (hex) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
const toHex = (cs) => `#${cs.map((c) => Math.round(c).toString(16).padStart(2, '0')).join('')}`;
const lerp = (a, b, t) => toHex(channels(a).map((c, i) => c + (channels(b)[i] - c) * t));

export function categoricalPalette(n) {
  return Array.from({ length: n }, (_, i) => CATEGORICAL[i % CATEGORICAL.length]);
}

export function sequentialPalette(from, to, n) {
  if (!Number.isInteger(n) || n <= 0) throw new RangeError(`n must be a positive integer, got ${n}`);
  if (n === 1) return [from.toLowerCase()];
  return Array.from({ length: n }, (_, i) => lerp(from, to, i / (n - 1)));
}

export function colorScale([min, max], colors) {
  return (value) => {
    if (colors.length === 1 || min === max) return colors[0];
    const t = Math.min(1, Math.max(0, (value - min) / (max - min)));
    const position = t * (colors.length - 1);
    const i = Math.min(Math.floor(position), colors.length - 2);
    return lerp(colors[i], colors[i + 1], position - i);
  };
}
