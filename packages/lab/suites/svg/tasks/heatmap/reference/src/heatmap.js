const num = (n) => String(Number(n.toFixed(2)));

export function matrixExtent(matrix) {
  const values = matrix.flat();
  if (values.length === 0) throw new RangeError('empty matrix');
  return [Math.min(...values), Math.max(...values)];
}

export function grayScale(value, min, max) {
  const t = min === max ? 0 : Math.min(1, Math.max(0, (value - min) / (max - min)));
  const channel = Math.round(255 * (1 - t)).toString(16).padStart(2, '0');
  return `#${channel}${channel}${channel}`;
}

export function heatmapCells(matrix, { cellSize = 20, color } = {}) {
  const [min, max] = matrixExtent(matrix);
  const fill = color ?? ((v) => grayScale(v, min, max));
  const cells = matrix.flatMap((row, i) =>
    row.map((v, j) => `<rect x="${num(j * cellSize)}" y="${num(i * cellSize)}" width="${num(cellSize)}" height="${num(cellSize)}" fill="${fill(v)}"/>`),
  );
  return `<g class="heatmap">${cells.join('')}</g>`;
}
