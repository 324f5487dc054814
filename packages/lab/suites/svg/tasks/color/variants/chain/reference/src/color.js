import { chartDocument } from './document.js';

export function themedChartDocument(data, { accent = '#4682b4', background = '#ffffff', ...options } = {}) {
  if (contrastRatio(accent, background) < 3) throw new RangeError(`accent ${accent} does not stand out from ${background}`);
  return chartDocument(data, { ...options, fill: accent, background });
}
