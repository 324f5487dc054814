const num = (n) => String(Number(n.toFixed(2)));
const esc = (s) => String(s).replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[ch]);

export function svgDocument(width, height, body, { title, background, viewBox } = {}) {
  if (!(width > 0 && height > 0)) throw new RangeError('document width and height must be positive');
  const box = viewBox ?? `0 0 ${num(width)} ${num(height)}`;
  const head = `<svg xmlns="http://www.w3.org/2000/svg" width="${num(width)}" height="${num(height)}" viewBox="${esc(box)}">`;
  const titleTag = title === undefined ? '' : `<title>${esc(title)}</title>`;
  const backdrop = background === undefined ? '' : `<rect width="100%" height="100%" fill="${esc(background)}"/>`;
  return `${head}${titleTag}${backdrop}${body}</svg>`;
}

export function countElements(svg, tag) {
  const escaped = tag.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return (svg.match(new RegExp(`<${escaped}[\\s/>]`, 'g')) ?? []).length;
}
