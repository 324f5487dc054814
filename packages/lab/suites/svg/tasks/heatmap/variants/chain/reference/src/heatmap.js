import { svgDocument } from './document.js';
import { colorScale, sequentialPalette } from './palette.js';

export function heatmapDocument(matrix, { cellSize = 20, from = '#ffffff', to = '#08306b', title } = {}) {
  const color = colorScale(matrixExtent(matrix), sequentialPalette(from, to, 5));
  return svgDocument(matrix[0].length * cellSize, matrix.length * cellSize, heatmapCells(matrix, { cellSize, color }), { title });
}
