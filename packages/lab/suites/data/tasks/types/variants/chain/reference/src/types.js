import { parseCsv } from './csv.js';

export function readCsv(text) {
  return coerceRecords(parseCsv(text));
}
