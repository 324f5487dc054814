const num = (n) => String(Number(n.toFixed(2)));

export function sparklinePoints(values, width, height, padding = 2) {
  const n = values.length;
  if (n === 0) return [];
  const min = Math.min(...values);
  const max = Math.max(...values);
  return values.map((v, i) => [
    n === 1 ? width / 2 : padding + (i * (width - 2 * padding)) / (n - 1),
    max === min ? height / 2 : padding + ((max - v) / (max - min)) * (height - 2 * padding),
  ]);
}

export function sparkline(values, { width = 100, height = 20, stroke = 'black' } = {}) {
  const points = sparklinePoints(values, width, height).map(([x, y]) => `${num(x)},${num(y)}`);
  return `<polyline points="${points.join(' ')}" fill="none" stroke="${stroke}"/>`;
}

export function sparkBars(values, { width = 100, height = 20, gap = 1, fill = 'gray' } = {}) {
  const n = values.length;
  const max = Math.max(0, ...values);
  const w = (width - gap * (n - 1)) / n;
  const bars = values.map((v, i) => {
    const h = max <= 0 ? 0 : (v / max) * height;
    return `<rect x="${num(i * (w + gap))}" y="${num(height - h)}" width="${num(w)}" height="${num(h)}" fill="${fill}"/>`;
  });
  return `<g class="spark-bars">${bars.join('')}</g>`;
}
