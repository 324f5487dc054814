export function shape(m) {
  if (m.length === 0) return [0, 0];
  const cols = m[0].length;
  if (m.some((row) => row.length !== cols)) throw new RangeError('ragged matrix');
  return [m.length, cols];
}

export function zeros(rows, cols) {
  return Array.from({ length: rows }, () => new Array(cols).fill(0));
}

export function identity(n) {
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
}

export function transpose(m) {
  const [rows, cols] = shape(m);
  return Array.from({ length: cols }, (_, j) => Array.from({ length: rows }, (_, i) => m[i][j]));
}

export function matAdd(a, b) {
  const [ra, ca] = shape(a);
  const [rb, cb] = shape(b);
  if (ra !== rb || ca !== cb) throw new RangeError(`cannot add ${ra}x${ca} and ${rb}x${cb}`);
  return a.map((row, i) => row.map((x, j) => x + b[i][j]));
}

export function matScale(m, k) {
  shape(m);
  return m.map((row) => row.map((x) => x * k));
}

export function matMul(a, b) {
  const [ra, ca] = shape(a);
  const [rb, cb] = shape(b);
  if (ca !== rb) throw new RangeError(`cannot multiply ${ra}x${ca} by ${rb}x${cb}`);
  const out = zeros(ra, cb);
  for (let i = 0; i < ra; i++) {
    for (let k = 0; k < ca; k++) {
      for (let j = 0; j < cb; j++) out[i][j] += a[i][k] * b[k][j];
    }
  }
  return out;
}
