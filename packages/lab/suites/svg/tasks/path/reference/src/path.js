const num = (n) => String(Number(n.toFixed(2)));

export function createPath() {
  const commands = [];
  const add = (letter, ...args) => {
    commands.push(`${letter}${args.map(num).join(' ')}`);
    return builder;
  };
  const builder = {
    moveTo: (x, y) => add('M', x, y),
    lineTo: (x, y) => add('L', x, y),
    horizontalTo: (x) => add('H', x),
    verticalTo: (y) => add('V', y),
    quadTo: (cx, cy, x, y) => add('Q', cx, cy, x, y),
    cubicTo: (c1x, c1y, c2x, c2y, x, y) => add('C', c1x, c1y, c2x, c2y, x, y),
    arcTo: (rx, ry, rotation, largeArc, sweep, x, y) => add('A', rx, ry, rotation, largeArc ? 1 : 0, sweep ? 1 : 0, x, y),
    close: () => {
      commands.push('Z');
      return builder;
    },
    toString: () => commands.join(' '),
  };
  return builder;
}

export function polygonPath(points, closed = true) {
  if (points.length === 0) return '';
  const path = createPath().moveTo(...points[0]);
  for (const point of points.slice(1)) path.lineTo(...point);
  if (closed) path.close();
  return path.toString();
}

export function arcPath(cx, cy, r, startAngle, endAngle) {
  const at = (a) => [cx + r * Math.cos(a), cy + r * Math.sin(a)];
  return createPath()
    .moveTo(...at(startAngle))
    .arcTo(r, r, 0, endAngle - startAngle > Math.PI, true, ...at(endAngle))
    .toString();
}
