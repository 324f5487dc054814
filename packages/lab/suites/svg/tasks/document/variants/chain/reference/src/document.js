import { chartWithLegend } from './legend.js';

export function chartDocument(data, { title, background = 'white', ...options } = {}) {
  return svgDocument(options.width ?? 400, options.height ?? 300, chartWithLegend(data, options), { title, background });
}
