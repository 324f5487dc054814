const num = (n) => String(Number(n.toFixed(2)));
const esc = (s) => String(s).replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[ch]);

export function gridLayout(count, { columns, cellWidth, cellHeight, gap = 10 }) {
  return Array.from({ length: count }, (_, i) => ({
    x: (i % columns) * (cellWidth + gap),
    y: Math.floor(i / columns) * (cellHeight + gap),
  }));
}

export function composeDashboard(panels, { columns = 3, cellWidth = 200, cellHeight = 150, gap = 10 } = {}) {
  const n = panels.length;
  const cols = Math.min(columns, n);
  const rows = Math.ceil(n / columns);
  const width = n === 0 ? 0 : cols * cellWidth + (cols - 1) * gap;
  const height = n === 0 ? 0 : rows * cellHeight + (rows - 1) * gap;
  const cells = gridLayout(n, { columns, cellWidth, cellHeight, gap });
  const body = panels.map(
    ({ title, body: content }, i) =>
      `<g class="panel" transform="translate(${num(cells[i].x)} ${num(cells[i].y)})">` +
      `<rect width="${num(cellWidth)}" height="${num(cellHeight)}" fill="white" stroke="#cccccc"/>` +
      `<text x="8" y="16" font-size="12">${esc(title)}</text><g transform="translate(0 24)">${content}</g></g>`,
  );
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${num(width)}" height="${num(height)}" viewBox="0 0 ${num(width)} ${num(height)}">${body.join('')}</svg>`;
}
