const EPSILON = 1e-12;

function assertSquare(m) {
  if (m.some((row) => row.length !== m.length)) throw new RangeError('expected a square matrix');
}

/** Row-reduces `rows` (an augmented copy) in place to upper-triangular form; returns the swap sign, or 0 if singular. */
function eliminate(rows, n) {
  let sign = 1;
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(rows[r][col]) > Math.abs(rows[pivot][col])) pivot = r;
    if (Math.abs(rows[pivot][col]) < EPSILON) return 0;
    if (pivot !== col) {
      [rows[pivot], rows[col]] = [rows[col], rows[pivot]];
      sign = -sign;
    }
    for (let r = col + 1; r < n; r++) {
      const factor = rows[r][col] / rows[col][col];
      for (let c = col; c < rows[r].length; c++) rows[r][c] -= factor * rows[col][c];
    }
  }
  return sign;
}

export function determinant(m) {
  assertSquare(m);
  const rows = m.map((row) => [...row]);
  const sign = eliminate(rows, m.length);
  if (sign === 0) return 0;
  return rows.reduce((product, row, i) => product * row[i], sign);
}

export function solve(a, b) {
  assertSquare(a);
  if (b.length !== a.length) throw new RangeError('right-hand side has the wrong length');
  const n = a.length;
  const rows = a.map((row, i) => [...row, b[i]]);
  if (eliminate(rows, n) === 0) throw new RangeError('matrix is singular');
  const x = new Array(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let sum = rows[i][n];
    for (let j = i + 1; j < n; j++) sum -= rows[i][j] * x[j];
    x[i] = sum / rows[i][i];
  }
  return x;
}

export function inverse(m) {
  assertSquare(m);
  const n = m.length;
  const rows = m.map((row, i) => [...row, ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))]);
  if (eliminate(rows, n) === 0) throw new RangeError('matrix is singular');
  for (let col = n - 1; col >= 0; col--) {
    const pivot = rows[col][col];
    for (let c = 0; c < 2 * n; c++) rows[col][c] /= pivot;
    for (let r = 0; r < col; r++) {
      const factor = rows[r][col];
      for (let c = 0; c < 2 * n; c++) rows[r][c] -= factor * rows[col][c];
    }
  }
  return rows.map((row) => row.slice(n));
}
