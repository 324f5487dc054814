const num = (n) => String(Number(n.toFixed(2)));
const esc = (s) => String(s).replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[ch]);

/** Serialises [name, value] pairs, dropping undefined values; numbers go through `num`. */
function list(pairs) {
  return pairs
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => ` ${name}="${typeof value === 'number' ? num(value) : esc(value)}"`)
    .join('');
}

export function rect({ x, y, width, height, rx, fill, stroke }) {
  if (width < 0 || height < 0) throw new RangeError('rect width and height must be non-negative');
  return `<rect${list([['x', x], ['y', y], ['width', width], ['height', height], ['rx', rx], ['fill', fill], ['stroke', stroke]])}/>`;
}

export function circle({ cx, cy, r, fill, stroke }) {
  return `<circle${list([['cx', cx], ['cy', cy], ['r', r], ['fill', fill], ['stroke', stroke]])}/>`;
}

export function line({ x1, y1, x2, y2, stroke = 'black' }) {
  return `<line${list([['x1', x1], ['y1', y1], ['x2', x2], ['y2', y2], ['stroke', stroke]])}/>`;
}

export function text({ x, y, content, size, anchor, fill }) {
  return `<text${list([['x', x], ['y', y], ['font-size', size], ['text-anchor', anchor], ['fill', fill]])}>${esc(content)}</text>`;
}

export function group(children, { className, transform } = {}) {
  return `<g${list([['class', className], ['transform', transform]])}>${children.join('')}</g>`;
}
