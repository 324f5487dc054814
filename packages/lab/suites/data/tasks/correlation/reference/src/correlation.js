function pairs(xs, ys) {
  if (xs.length !== ys.length) throw new RangeError('samples must have the same length');
  const a = [];
  const b = [];
  xs.forEach((x, i) => {
    if (x !== null && ys[i] !== null) {
      a.push(x);
      b.push(ys[i]);
    }
  });
  return [a, b];
}

export function pearson(xs, ys) {
  const [a, b] = pairs(xs, ys);
  if (a.length < 2) return null;
  const ma = a.reduce((s, v) => s + v, 0) / a.length;
  const mb = b.reduce((s, v) => s + v, 0) / b.length;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < a.length; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  if (saa === 0 || sbb === 0) return null;
  return sab / Math.sqrt(saa * sbb);
}

export function rank(values) {
  const order = values.map((v, i) => [v, i]).sort((p, q) => p[0] - q[0]);
  const ranks = new Array(values.length);
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end + 1 < order.length && order[end + 1][0] === order[start][0]) end++;
    const average = (start + end) / 2 + 1;
    for (let k = start; k <= end; k++) ranks[order[k][1]] = average;
    start = end + 1;
  }
  return ranks;
}

export function spearman(xs, ys) {
  const [a, b] = pairs(xs, ys);
  return pearson(rank(a), rank(b));
}

export function correlationMatrix(rows, columns) {
  const data = Object.fromEntries(columns.map((c) => [c, rows.map((r) => r[c] ?? null)]));
  return Object.fromEntries(columns.map((c) => [c, Object.fromEntries(columns.map((d) => [d, pearson(data[c], data[d])]))]));
}
