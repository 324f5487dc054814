import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { parseTrace, type Finding, type TraceEvent } from '@llm-teams/runtime';
import { analyzeTrace, type AnalyzeOptions } from '../analysis/analyze-trace.js';
import { pageScript } from './page-script.js';
import { buildSpaceTimeModel, type SpaceTimeModelOptions } from './space-time-model.js';

export interface SpaceTimeHtmlOptions extends SpaceTimeModelOptions {
  /** A live page: where its updates come from (server-sent events of the model; see
   *  live-view-server.ts). Default: none, a page of the events given. */
  live?: { events: string };
}

const STYLE = `
*{box-sizing:border-box}html,body{margin:0;height:100%;font:13px system-ui,sans-serif;color:#222}
#st-root{display:flex;height:100vh}#st-main{flex:1;position:relative;overflow:hidden;cursor:grab}
#st-main:active{cursor:grabbing}#st-canvas{display:block}
#st-side{width:360px;border-left:1px solid #ddd;display:flex;flex-direction:column;overflow:auto;background:#fcfcfc}
#st-side section{padding:8px 10px;border-bottom:1px solid #eee}#st-side h2{font-size:12px;margin:0 0 6px;text-transform:uppercase;color:#666}
#st-search{width:100%;padding:4px 6px}#st-count{color:#666;font-size:12px}
#st-findings{list-style:none;margin:0;padding:0;max-height:30vh;overflow:auto}
#st-findings li{padding:4px 6px;margin:2px 0;border-left:4px solid #e6850e;cursor:pointer;font-size:12px}
#st-findings li.error{border-color:#d62728}#st-findings li.selected{background:#fff1d6}#st-findings li.none{border:0;color:#888;cursor:default}
.st-list{max-height:18vh;overflow:auto}.st-check{display:block;font-size:12px;white-space:nowrap}
#st-details pre{white-space:pre-wrap;font-size:11px;background:#f4f4f4;padding:6px;margin:4px 0}
.st-title{font-weight:600;font-size:12px;margin-top:4px}.st-verdict{font-size:12px;margin-bottom:4px}.st-verdict.error{color:#b01010}
.st-nochain{font-size:11px;color:#666}.st-link{display:block;font-size:11px;margin:2px 0}
#st-tip{position:fixed;display:none;pointer-events:none;background:#222;color:#fff;padding:3px 6px;font-size:11px;border-radius:3px;z-index:9;max-width:520px}
.st-legend span{display:inline-block;margin:1px 8px 1px 0;font-size:11px}.st-legend i{display:inline-block;width:16px;height:3px;vertical-align:middle;margin-right:3px}
`;

const LEGEND: [string, string][] = [
  ['message', '#5b7fb5'],
  ['retry', '#2b8cbe'],
  ['duplicate copy', '#e6850e'],
  ['redelivered', '#8e44ad'],
  ['delayed by fault', '#c9a100'],
  ['dead-lettered', '#7b1e1e'],
  ['dropped by fault (x)', '#d62728'],
  ['lost (?)', '#a50f15'],
  ['in flight at end (o)', '#8a8a8a'],
  ['outage', 'rgba(214,39,40,0.35)'],
  ['actor down', 'rgba(80,80,80,0.4)'],
];

const escapeHtml = (s: string) =>
  s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/**
 * The space-time diagram as one self-contained HTML page (inline script and style, data
 * embedded as JSON, nothing fetched): a lane per actor, an arrow per message, and the
 * checkers' findings linked to their events.
 */
export function renderSpaceTimeHtml(
  events: readonly TraceEvent[],
  findings: readonly Finding[],
  options: SpaceTimeHtmlOptions = {},
): string {
  const model = buildSpaceTimeModel(events, findings, options);
  const live = options.live
    ? `<script type="application/json" id="st-live">${JSON.stringify(options.live).replace(/</g, '\\u003c')}</script>\n`
    : '';
  // `<` escaped keeps `</script>` and `<!--` in trace strings from ending the block.
  const data = JSON.stringify(model).replace(/</g, '\\u003c');
  const legend = LEGEND.map(
    ([name, color]) => `<span><i style="background:${color}"></i>${name}</span>`,
  ).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(model.title)}</title>
<style>${STYLE}</style></head>
<body><div id="st-root">
<div id="st-main"><canvas id="st-canvas"></canvas></div>
<div id="st-side">
<section><h2>${escapeHtml(model.title)}</h2>${options.live ? '<div id="st-live-status"></div>' : ''}<div id="st-stats"></div>
<div style="margin-top:6px"><label>time axis <select id="st-axis"><option value="lamport">Lamport</option><option value="wall">wall clock</option></select></label>
<button id="st-fit" type="button">fit all</button></div>
<div style="font-size:11px;color:#777;margin-top:4px">wheel: zoom, shift+wheel: scroll lanes, drag: pan, 0: fit, click: details</div></section>
<section><h2>Search</h2><input id="st-search" type="search" placeholder="actor, type, msgId, task, text... (Enter: next)"><div id="st-count"></div></section>
<section><h2>Findings</h2><ul id="st-findings"></ul></section>
<section><h2>Details</h2><div id="st-details"></div></section>
<section><h2>Actors</h2><div id="st-lanes" class="st-list"></div></section>
<section><h2>Event kinds</h2><div id="st-kinds" class="st-list"></div></section>
<section><h2>Message types</h2><div id="st-types" class="st-list"></div></section>
<section class="st-legend"><h2>Legend</h2>${legend}</section>
</div></div><div id="st-tip"></div>
<script type="application/json" id="st-data">${data}</script>
${live}<script>
${pageScript()}
</script>
</body></html>
`;
}

export interface WriteSpaceTimeOptions extends SpaceTimeHtmlOptions, AnalyzeOptions {
  /** Findings to show; default: run every checker on the trace. */
  findings?: Finding[];
}

/** Reads a trace file (or takes its events), runs the checkers, and writes the page (what
 *  `llm-teams view` calls). */
export async function writeSpaceTimeHtml(
  trace: string | readonly TraceEvent[],
  outPath: string,
  options: WriteSpaceTimeOptions = {},
): Promise<{ events: number; findings: number; bytes: number }> {
  const events =
    typeof trace === 'string'
      ? parseTrace(await readFile(trace, 'utf8'), { source: trace })
      : trace;
  let findings = options.findings;
  let extra: SpaceTimeModelOptions = {};
  if (!findings) {
    const result = analyzeTrace(events, options);
    findings = result.findings;
    extra = { analysis: { index: result.index, delivery: result.delivery } };
  }
  const html = renderSpaceTimeHtml(events, findings, { ...options, ...extra });
  await mkdir(dirname(outPath), { recursive: true });
  await writeFile(outPath, html);
  return { events: events.length, findings: findings.length, bytes: Buffer.byteLength(html) };
}
