import { chartJsSource } from './chart-bundle.js';

/** A Chart.js chart. `config` is JSON only (no functions): the page embeds it as data. */
export interface ReportChart {
  /** Canvas id, unique in the page. */
  id: string;
  title: string;
  caption?: string;
  config: { type: string; data: { labels?: unknown[]; datasets: unknown[] }; options?: unknown };
  /** `half` charts sit two to a row. Default `half`. */
  width?: 'half' | 'full';
}

export type ReportCell = string | number | null;

export interface ReportTable {
  title: string;
  caption?: string;
  columns: string[];
  rows: ReportCell[][];
}

export interface ReportSection {
  title: string;
  text?: string;
  charts?: ReportChart[];
  tables?: ReportTable[];
}

export interface ReportPage {
  title: string;
  subtitle?: string;
  /** Label / value pairs shown under the title. */
  facts?: [string, string][];
  sections: ReportSection[];
}

const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

const STYLE = `
*{box-sizing:border-box}body{margin:0;padding:20px 28px;font:14px/1.45 system-ui,sans-serif;color:#1d1d1f;background:#fafafa}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
h3{font-size:14px;margin:0 0 6px}.sub{color:#555;margin-bottom:10px}
.facts{display:flex;flex-wrap:wrap;gap:6px 18px;margin:8px 0 4px;font-size:13px}.facts b{color:#555;font-weight:600;margin-right:4px}
.grid{display:flex;flex-wrap:wrap;gap:16px}.card{background:#fff;border:1px solid #e3e3e3;border-radius:6px;padding:12px}
.card.half{flex:1 1 520px;max-width:calc(50% - 8px);min-width:420px}.card.full{flex:1 1 100%}
.chart{position:relative;height:320px}.card.full .chart{height:380px}.cap{color:#666;font-size:12px;margin-top:6px}
table{border-collapse:collapse;font-size:12.5px;background:#fff;margin:6px 0 4px}th,td{border:1px solid #e1e1e1;padding:3px 7px;text-align:right;white-space:nowrap}
th{background:#f2f2f2;position:sticky;top:0}td:first-child,th:first-child{text-align:left}.tablewrap{max-height:520px;overflow:auto;display:inline-block;max-width:100%}
p.text{max-width:1000px;color:#333}
`;

// Runs in the page. Publishes `window.__report` so tests (and curious readers) can check that
// every chart was built and drew.
const CLIENT = `
(function () {
  'use strict';
  var out = { ready: false, charts: [], errors: [] };
  window.__report = out;
  try {
    var data = JSON.parse(document.getElementById('report-data').textContent);
    Chart.defaults.animation = false;
    Chart.defaults.responsive = true;
    Chart.defaults.maintainAspectRatio = false;
    data.charts.forEach(function (c) {
      try {
        var chart = new Chart(document.getElementById(c.id), c.config);
        var points = 0;
        chart.data.datasets.forEach(function (d) { points += d.data.length; });
        out.charts.push({ id: c.id, type: c.config.type, datasets: chart.data.datasets.length, points: points });
      } catch (e) {
        out.errors.push(c.id + ': ' + (e && e.message));
      }
    });
  } catch (e) {
    out.errors.push(String(e && e.message));
  }
  out.ready = true;
})();
`;

function renderTable(t: ReportTable): string {
  const head = t.columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('');
  const rows = t.rows
    .map(
      (r) =>
        `<tr>${r.map((c) => `<td>${c === null ? '–' : escapeHtml(String(c))}</td>`).join('')}</tr>`,
    )
    .join('\n');
  return `<div class="card full"><h3>${escapeHtml(t.title)}</h3><div class="tablewrap"><table><thead><tr>${head}</tr></thead><tbody>
${rows}
</tbody></table></div>${t.caption ? `<div class="cap">${escapeHtml(t.caption)}</div>` : ''}</div>`;
}

function renderChart(c: ReportChart): string {
  return `<div class="card ${c.width ?? 'half'}"><h3>${escapeHtml(c.title)}</h3><div class="chart"><canvas id="${escapeHtml(c.id)}"></canvas></div>${
    c.caption ? `<div class="cap">${escapeHtml(c.caption)}</div>` : ''
  }</div>`;
}

/** Every chart of a page, in order. */
export const chartsOf = (page: ReportPage): ReportChart[] =>
  page.sections.flatMap((s) => s.charts ?? []);

/**
 * A report as one self-contained HTML page: Chart.js inlined, data embedded as JSON, no
 * request leaves the page, so it opens from disk anywhere.
 */
export function renderReportHtml(page: ReportPage): string {
  const charts = chartsOf(page);
  const ids = new Set<string>();
  for (const c of charts) {
    if (ids.has(c.id)) throw new Error(`duplicate chart id ${c.id}`);
    ids.add(c.id);
  }
  // `<` escaped keeps `</script>` in labels from ending the data block.
  const data = JSON.stringify({
    charts: charts.map((c) => ({ id: c.id, config: c.config })),
  }).replace(/</g, '\\u003c');
  const facts = (page.facts ?? [])
    .map(([k, v]) => `<span><b>${escapeHtml(k)}</b>${escapeHtml(v)}</span>`)
    .join('');
  const sections = page.sections
    .map(
      (
        s,
      ) => `<h2>${escapeHtml(s.title)}</h2>${s.text ? `<p class="text">${escapeHtml(s.text)}</p>` : ''}
<div class="grid">${(s.charts ?? []).map(renderChart).join('\n')}${(s.tables ?? []).map(renderTable).join('\n')}</div>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(page.title)}</title>
<style>${STYLE}</style></head>
<body>
<h1>${escapeHtml(page.title)}</h1>${page.subtitle ? `<div class="sub">${escapeHtml(page.subtitle)}</div>` : ''}
<div class="facts">${facts}</div>
${sections}
<script type="application/json" id="report-data">${data}</script>
<script>${chartJsSource()}</script>
<script>${CLIENT}</script>
</body></html>
`;
}
