export function formatNumber(n, { decimals = 2, thousands = ',' } = {}) {
  if (n === null || n === undefined || Number.isNaN(n)) return '';
  const fixed = Math.abs(n).toFixed(decimals);
  const [whole, fraction] = fixed.split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, thousands);
  const body = fraction === undefined ? grouped : `${grouped}.${fraction}`;
  const isZero = /^[0.]*$/.test(fixed);
  return n < 0 && !isZero ? `-${body}` : body;
}

const columnsOf = (rows, columns) => columns ?? Object.keys(rows[0] ?? {});

export function toMarkdownTable(rows, columns) {
  const cols = columnsOf(rows, columns);
  const numeric = cols.map((c) => {
    const present = rows.map((r) => r[c]).filter((v) => v !== null && v !== undefined);
    return present.length > 0 && present.every((v) => typeof v === 'number');
  });
  const cell = (v) => (v === null || v === undefined ? '' : typeof v === 'number' ? formatNumber(v) : String(v).replace(/\|/g, '\\|'));
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(cols), line(numeric.map((n) => (n ? '---:' : '---'))), ...rows.map((r) => line(cols.map((c) => cell(r[c]))))].join('\n');
}

export function toCsv(rows, columns) {
  const cols = columnsOf(rows, columns);
  const field = (v) => {
    if (v === null || v === undefined) return '';
    const s = String(v);
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [cols, ...rows.map((r) => cols.map((c) => r[c]))].map((cells) => `${cells.map(field).join(',')}\n`).join('');
}
