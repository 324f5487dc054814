export function fmt(n, digits = 2) {
  if (!Number.isFinite(n)) throw new RangeError(`cannot format ${n}`);
  return String(Number(n.toFixed(digits)));
}

const ENTITIES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

export function escapeXml(text) {
  return String(text).replace(/[&<>"']/g, (ch) => ENTITIES[ch]);
}

export function attrs(object) {
  return Object.entries(object)
    .filter(([, value]) => value !== null && value !== undefined && value !== false)
    .map(([name, value]) => {
      const key = name.replace(/[A-Z]/g, (ch) => `-${ch.toLowerCase()}`);
      const text = typeof value === 'number' ? fmt(value) : escapeXml(String(value));
      return ` ${key}="${text}"`;
    })
    .join('');
}
