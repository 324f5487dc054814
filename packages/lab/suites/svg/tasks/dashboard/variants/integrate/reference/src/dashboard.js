import { renderAxis } from './axis.js';
import { barLayout, renderBars } from './bar-chart.js';
import { mix } from './color.js';
import { svgDocument } from './document.js';
import { attrs, escapeXml, fmt } from './format.js';
import { centroid, polygonArea } from './geometry.js';
import { gridLines } from './grid.js';
import { heatmapCells } from './heatmap.js';
import { wrapText } from './labels.js';
import { legend } from './legend.js';
import { categoricalPalette } from './palette.js';
import { createPath } from './path.js';
import { pieChart } from './pie.js';
import { polygonElement, star } from './polygons.js';
import { linearScale } from './scale.js';
import { circle, group, rect, text } from './shapes.js';
import { sparkline } from './sparkline.js';
import { niceTicks } from './ticks.js';
import { compose, rotate, toSvgTransform, translate } from './transform.js';

export function showcasePanels() {
  const square = [[0, 0], [10, 0], [10, 10], [0, 10]];
  const x = linearScale([0, 10], [20, 180]);
  return [
    { title: 'format', body: `<text${attrs({ x: 10, y: 20, fontSize: 12 })}>${escapeXml(`fmt(pi) = ${fmt(Math.PI)}`)}</text>` },
    { title: 'shapes', body: rect({ x: 10, y: 10, width: 60, height: 40, fill: '#4e79a7' }) + circle({ cx: 120, cy: 30, r: 20, fill: '#f28e2b' }) },
    { title: 'path', body: `<path d="${createPath().moveTo(10, 60).quadTo(60, 0, 110, 60).toString()}" fill="none" stroke="black"/>` },
    {
      title: 'transform',
      body: group([rect({ x: 0, y: 0, width: 40, height: 20, fill: '#e15759' })], { transform: toSvgTransform(compose(translate(80, 40), rotate(30))) }),
    },
    { title: 'geometry', body: text({ x: 10, y: 20, content: `area ${polygonArea(square)}, centroid ${centroid(square).join(',')}` }) },
    { title: 'scale', body: [0, 5, 10].map((v) => circle({ cx: x(v), cy: 50, r: 5, fill: '#59a14f' })).join('') },
    { title: 'ticks', body: text({ x: 10, y: 20, content: niceTicks(0, 100).join(' ') }) },
    {
      title: 'axis',
      body: renderAxis({ orient: 'bottom', ticks: [0, 50, 100].map((v) => ({ position: v * 1.8, label: String(v) })), length: 180, translate: [10, 60] }),
    },
    { title: 'grid', body: gridLines({ orient: 'horizontal', positions: [20, 40, 60, 80], length: 180 }) },
    {
      title: 'bar-chart',
      body: renderBars(barLayout([{ label: 'a', value: 3 }, { label: 'b', value: 7 }, { label: 'c', value: 5 }], { width: 180, height: 100 })),
    },
    { title: 'labels', body: wrapText('Labels wrap to fit the width of a panel', 120).map((line, i) => text({ x: 10, y: 20 + 14 * i, content: line })).join('') },
    { title: 'legend', body: legend([{ label: 'north', color: '#4e79a7' }, { label: 'south', color: '#f28e2b' }], { x: 10, y: 10 }) },
    { title: 'document', body: svgDocument(60, 40, circle({ cx: 30, cy: 20, r: 15, fill: '#76b7b2' }), { background: '#eeeeee' }) },
    { title: 'color', body: [0, 1, 2].map((i) => rect({ x: 10 + 50 * i, y: 10, width: 40, height: 40, fill: mix('#ff0000', '#0000ff', i / 2) })).join('') },
    { title: 'palette', body: categoricalPalette(5).map((c, i) => rect({ x: 10 + 30 * i, y: 10, width: 25, height: 25, fill: c })).join('') },
    { title: 'heatmap', body: heatmapCells([[1, 2, 3], [4, 5, 6]], { cellSize: 20 }) },
    { title: 'sparkline', body: sparkline([1, 3, 2, 5, 4], { width: 180, height: 40 }) },
    { title: 'polygons', body: polygonElement(star(60, 50, 40, 16), { fill: 'gold' }) },
    {
      title: 'pie',
      body: pieChart([{ value: 3, color: '#4e79a7' }, { value: 2, color: '#f28e2b' }, { value: 1, color: '#e15759' }], { cx: 60, cy: 55, r: 45 }),
    },
  ];
}

export function showcase() {
  return composeDashboard(showcasePanels(), { columns: 4 });
}
