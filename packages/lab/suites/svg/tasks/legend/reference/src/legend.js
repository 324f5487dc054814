const num = (n) => String(Number(n.toFixed(2)));
const esc = (s) => String(s).replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[ch]);

export function legend(items, { x = 0, y = 0, swatch = 12, gap = 6, fontSize = 10 } = {}) {
  const entries = items.map(({ label, color }, i) => {
    const top = i * (swatch + gap);
    return (
      `<rect x="0" y="${num(top)}" width="${num(swatch)}" height="${num(swatch)}" fill="${esc(color)}"/>` +
      `<text x="${num(swatch + gap)}" y="${num(top + swatch - 2)}" font-size="${num(fontSize)}">${esc(label)}</text>`
    );
  });
  return `<g class="legend" transform="translate(${num(x)} ${num(y)})">${entries.join('')}</g>`;
}

export function legendSize(items, { swatch = 12, gap = 6, fontSize = 10 } = {}) {
  if (items.length === 0) return { width: 0, height: 0 };
  const longest = Math.max(...items.map((item) => String(item.label).length));
  return { width: swatch + gap + longest * fontSize * 0.6, height: items.length * (swatch + gap) - gap };
}
