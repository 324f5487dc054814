const num = (n) => String(Number(n.toFixed(2)));

export function gridLines({ orient, positions, length, stroke = '#dddddd' }) {
  if (orient !== 'horizontal' && orient !== 'vertical') throw new RangeError(`unknown orient '${orient}'`);
  const lines = positions.map((p) =>
    orient === 'horizontal'
      ? `<line x1="0" y1="${num(p)}" x2="${num(length)}" y2="${num(p)}" stroke="${stroke}"/>`
      : `<line x1="${num(p)}" y1="0" x2="${num(p)}" y2="${num(length)}" stroke="${stroke}"/>`,
  );
  return `<g class="grid">${lines.join('')}</g>`;
}
