export function parseColor(text) {
  const s = String(text).trim();
  let match = /^#([0-9a-f]{3})$/i.exec(s);
  if (match) {
    const [r, g, b] = [...match[1]].map((h) => parseInt(h + h, 16));
    return { r, g, b };
  }
  match = /^#([0-9a-f]{6})$/i.exec(s);
  if (match) {
    const n = parseInt(match[1], 16);
    return { r: (n >> 16) & 255, g: (n >> 8) & 255, b: n & 255 };
  }
  match = /^rgb\(\s*(\d{1,3})\s*,\s*(\d{1,3})\s*,\s*(\d{1,3})\s*\)$/i.exec(s);
  if (match) {
    const [r, g, b] = match.slice(1).map(Number);
    if ([r, g, b].every((c) => c <= 255)) return { r, g, b };
  }
  throw new SyntaxError(`not a colour: '${text}'`);
}

export function toHex({ r, g, b }) {
  const channel = (c) => Math.min(255, Math.max(0, Math.round(c))).toString(16).padStart(2, '0');
  return `#${channel(r)}${channel(g)}${channel(b)}`;
}

export function mix(a, b, t) {
  const x = parseColor(a);
  const y = parseColor(b);
  return toHex({ r: x.r + (y.r - x.r) * t, g: x.g + (y.g - x.g) * t, b: x.b + (y.b - x.b) * t });
}

export function luminance(color) {
  const { r, g, b } = parseColor(color);
  const linear = (value) => {
    const c = value / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
}

export function contrastRatio(a, b) {
  const [dark, light] = [luminance(a), luminance(b)].sort((x, y) => x - y);
  return (light + 0.05) / (dark + 0.05);
}

export function contrastText(background) {
  return contrastRatio(background, '#000000') >= contrastRatio(background, '#ffffff') ? '#000000' : '#ffffff';
}
