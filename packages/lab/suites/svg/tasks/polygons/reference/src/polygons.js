const num = (n) => String(Number(n.toFixed(2)));
const at = (cx, cy, r, a) => [cx + r * Math.sin(a), cy - r * Math.cos(a)];

export function regularPolygon(cx, cy, r, sides, rotation = 0) {
  if (!Number.isInteger(sides) || sides < 3) throw new RangeError(`a polygon needs at least 3 sides, got ${sides}`);
  return Array.from({ length: sides }, (_, i) => at(cx, cy, r, rotation + (2 * Math.PI * i) / sides));
}

export function star(cx, cy, outer, inner, points = 5) {
  return Array.from({ length: 2 * points }, (_, k) => at(cx, cy, k % 2 === 0 ? outer : inner, (Math.PI * k) / points));
}

export function pointsAttribute(points) {
  return points.map(([x, y]) => `${num(x)},${num(y)}`).join(' ');
}

export function polygonElement(points, { fill, stroke } = {}) {
  const extra = `${fill === undefined ? '' : ` fill="${fill}"`}${stroke === undefined ? '' : ` stroke="${stroke}"`}`;
  return `<polygon points="${pointsAttribute(points)}"${extra}/>`;
}
