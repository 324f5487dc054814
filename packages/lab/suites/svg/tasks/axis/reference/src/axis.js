const num = (n) => String(Number(n.toFixed(2)));
const esc = (s) => String(s).replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[ch]);

export function renderAxis({ orient, ticks, length, tickSize = 6, translate }) {
  if (orient !== 'bottom' && orient !== 'left') throw new RangeError(`unknown orient '${orient}'`);
  const transform = translate ? ` transform="translate(${num(translate[0])} ${num(translate[1])})"` : '';
  const bottom = orient === 'bottom';
  const domain = bottom
    ? `<line x1="0" y1="0" x2="${num(length)}" y2="0" stroke="black"/>`
    : `<line x1="0" y1="0" x2="0" y2="${num(length)}" stroke="black"/>`;
  const marks = ticks.map(({ position: p, label }) =>
    bottom
      ? `<line x1="${num(p)}" y1="0" x2="${num(p)}" y2="${num(tickSize)}" stroke="black"/>` +
        `<text x="${num(p)}" y="${num(tickSize + 12)}" text-anchor="middle" font-size="10">${esc(label)}</text>`
      : `<line x1="0" y1="${num(p)}" x2="${num(-tickSize)}" y2="${num(p)}" stroke="black"/>` +
        `<text x="${num(-tickSize - 3)}" y="${num(p + 3)}" text-anchor="end" font-size="10">${esc(label)}</text>`,
  );
  return `<g class="axis axis-${orient}"${transform}>${domain}${marks.join('')}</g>`;
}
