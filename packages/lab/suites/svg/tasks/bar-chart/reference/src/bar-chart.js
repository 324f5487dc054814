const num = (n) => String(Number(n.toFixed(2)));

export function barLayout(data, { width, height, padding = 0.2, max }) {
  if (data.some((d) => d.value < 0)) throw new RangeError('bar values must be non-negative');
  const top = max ?? Math.max(0, ...data.map((d) => d.value));
  const step = width / data.length;
  return data.map(({ label, value }, i) => {
    const barHeight = top === 0 ? 0 : (value / top) * height;
    return { label, value, x: i * step + (step * padding) / 2, y: height - barHeight, width: step * (1 - padding), height: barHeight };
  });
}

export function renderBars(bars, { fill = 'steelblue' } = {}) {
  const rects = bars.map((b) => `<rect x="${num(b.x)}" y="${num(b.y)}" width="${num(b.width)}" height="${num(b.height)}" fill="${fill}"/>`);
  return `<g class="bars">${rects.join('')}</g>`;
}
