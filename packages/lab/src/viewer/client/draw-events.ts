/** Events as marks on their lanes, and the rings of findings, search matches and selection. */
import { EVENT_KINDS } from '../space-time-codes.js';
import { W, bump, ctx, frame, record } from './canvas.js';
import { GUTTER, X, laneEv, laneXs, laneY, lowerBound, toPx } from './layout.js';
import { D, msgTypeHidden, st } from './page-model.js';

const KIND_COLOR = [
  '#2f5d9e',
  '#2f5d9e',
  '#6a6a6a',
  '#8e44ad',
  '#1b7f5b',
  '#2e9e44',
  '#d62728',
  '#222222',
  '#8c6d1f',
];
const FULL_CIRCLE = 6.2832;
const FAULT = 6;
// Which kind wins a pixel column when zoomed out: faults and rejects over task events over
// messages over the rest.
const PRIORITY = [4, 4, 1, 2, 3, 5, 7, 6, 1];

/** The shape of kind `k` at (x, y): triangle (fault), square (reject, task), dot (message),
 *  diamond (the rest). */
function mark(path: Path2D, k: number, x: number, y: number): void {
  if (k === FAULT) {
    path.moveTo(x, y - 6);
    path.lineTo(x + 5, y + 4);
    path.lineTo(x - 5, y + 4);
    path.closePath();
  } else if (k === 7) path.rect(x - 4, y - 4, 8, 8);
  else if (k === 0 || k === 1) {
    path.moveTo(x + 3.5, y);
    path.arc(x, y, 3.5, 0, FULL_CIRCLE);
  } else if (k === 5) path.rect(x - 3.5, y - 3.5, 7, 7);
  else {
    path.moveTo(x, y - 4);
    path.lineTo(x + 4, y);
    path.lineTo(x, y + 4);
    path.lineTo(x - 4, y);
    path.closePath();
  }
}

function count(i: number): void {
  const { drawn } = frame;
  drawn.events++;
  bump(drawn.eventsByKind, EVENT_KINDS[D.k[i]]);
  if (D.k[i] === FAULT) drawn.faults++;
}

let columns = new Int8Array(0);

/** Zoomed out: one mark per pixel column, the most telling kind in it. */
function drawColumns(ev: Int32Array, xs: Float64Array, from: number, to: number, y: number) {
  const width = Math.ceil(W) + 2;
  if (columns.length < width) columns = new Int8Array(width);
  columns.fill(0, 0, width);
  const winner = new Int32Array(width);
  for (let j = from; j < to; j++) {
    const i = ev[j];
    const kind = D.k[i];
    if (st.hiddenKinds[kind] || msgTypeHidden(i)) continue;
    const c = Math.round(toPx(xs[j]));
    if (c < 0 || c >= width) continue;
    if (PRIORITY[kind] > columns[c]) {
      if (columns[c] > 0) frame.drawn.merged++;
      columns[c] = PRIORITY[kind];
      winner[c] = i;
    } else frame.drawn.merged++;
  }
  for (let k = 0; k < EVENT_KINDS.length; k++) {
    ctx.fillStyle = KIND_COLOR[k];
    for (let c = GUTTER; c < width; c++) {
      if (columns[c] === 0 || D.k[winner[c]] !== k) continue;
      if (k === FAULT) ctx.fillRect(c - 2, y - 6, 4, 12);
      else ctx.fillRect(c - 1, y - 3, 2, 6);
      count(winner[c]);
      record({ type: 'event', kind: EVENT_KINDS[k], i: winner[c], x: c, y });
    }
  }
}

/** Zoomed in: each event's shape. */
function drawShapes(ev: Int32Array, xs: Float64Array, from: number, to: number, y: number) {
  const paths: (Path2D | undefined)[] = EVENT_KINDS.map(() => undefined);
  let lastPx = -1e9;
  let lastKind = -1;
  for (let j = from; j < to; j++) {
    const i = ev[j];
    const kind = D.k[i];
    if (st.hiddenKinds[kind] || msgTypeHidden(i)) continue;
    const px = toPx(xs[j]);
    const cell = Math.round(px);
    if (cell === lastPx && kind === lastKind && kind !== FAULT) {
      frame.drawn.merged++;
      continue;
    }
    lastPx = cell;
    lastKind = kind;
    const path = (paths[kind] ??= new Path2D());
    mark(path, kind, px, y);
    count(i);
    record({ type: 'event', kind: EVENT_KINDS[kind], i, x: px, y });
  }
  paths.forEach((path, k) => {
    if (!path) return;
    ctx.fillStyle = KIND_COLOR[k];
    ctx.fill(path);
  });
}

export function drawEvents(lanesOnScreen: readonly number[], vx0: number, vx1: number): void {
  for (const l of lanesOnScreen) {
    const y = laneY(l);
    const ev = laneEv[l];
    const xs = laneXs[l];
    const from = lowerBound(xs, vx0);
    const to = lowerBound(xs, vx1 + 1e-9);
    if (to - from > (W - GUTTER) * 0.35) drawColumns(ev, xs, from, to, y);
    else drawShapes(ev, xs, from, to, y);
  }
}

function ring(path: Path2D, i: number, r: number): boolean {
  const y = laneY(D.a[i]);
  if (y < 0) return false;
  const x = toPx(X[i]);
  path.moveTo(x + r, y);
  path.arc(x, y, r, 0, FULL_CIRCLE);
  return true;
}

/** The selected finding's causal chain, as one line through its events. */
function chainOf(chain: readonly number[]): Path2D {
  const path = new Path2D();
  let started = false;
  for (const c of chain) {
    const cy = laneY(D.a[c]);
    if (cy < 0) continue;
    if (!started) path.moveTo(toPx(X[c]), cy);
    else path.lineTo(toPx(X[c]), cy);
    started = true;
  }
  return path;
}

export function drawHighlights(vx0: number, vx1: number): void {
  const inView = (i: number) => X[i] >= vx0 && X[i] <= vx1 && !st.hiddenLanes[D.a[i]];
  const all = new Path2D();
  const sel = new Path2D();
  const found = new Path2D();
  const picked = new Path2D();
  for (let f = 0; f < D.findings.length && f < 5000; f++) {
    for (const e of D.findings[f].ev) if (inView(e)) ring(all, e, 6);
  }
  const selected = st.finding >= 0 ? D.findings[st.finding] : undefined;
  if (selected) {
    ctx.strokeStyle = 'rgba(255,190,0,0.75)';
    ctx.lineWidth = 5;
    ctx.stroke(chainOf(selected.chain));
    for (const e of selected.ev) if (ring(sel, e, 9)) frame.drawn.highlighted++;
  }
  for (let k = 0; k < st.matches.length && k < 20000; k++) {
    const m = st.matches[k];
    if (inView(m) && ring(found, m, 7)) frame.drawn.highlighted++;
  }
  if (st.event >= 0) ring(picked, st.event, 8);
  ctx.lineWidth = 1.5;
  ctx.strokeStyle = 'rgba(214,39,40,0.55)';
  ctx.stroke(all);
  ctx.lineWidth = 2.5;
  ctx.strokeStyle = '#ff7f0e';
  ctx.stroke(sel);
  ctx.lineWidth = 2;
  ctx.strokeStyle = '#e0b000';
  ctx.stroke(found);
  ctx.strokeStyle = '#1f77b4';
  ctx.stroke(picked);
}
