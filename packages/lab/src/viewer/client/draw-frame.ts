/** One frame: lane backgrounds, shaded spans, states, then messages and events, the lane names
 *  and the time axis. */
import { SPAN_STYLES } from '../space-time-codes.js';
import { DPR, H, W, ctx, emptyCounts, frame, measure, record } from './canvas.js';
import { drawEvents, drawHighlights } from './draw-events.js';
import { drawArrows, drawStubs } from './draw-messages.js';
import { AXIS_H, GUTTER, X, laneY, maxX, segs, toPx, toWorld, visibleLanes } from './layout.js';
import { D, st } from './page-model.js';

const SPAN_COLOR = ['rgba(214,39,40,0.14)', 'rgba(80,80,80,0.16)'];
const STATE_COLORS = [
  '#dbe9f6',
  '#e3f1dc',
  '#f9e7cf',
  '#eadcf3',
  '#f6dbe1',
  '#dff3f1',
  '#f2efd2',
  '#e4e4e4',
];

function hashColor(s: string): string {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) | 0;
  return STATE_COLORS[Math.abs(h) % STATE_COLORS.length];
}

const onScreen = (y: number) => y >= AXIS_H - st.laneH && y <= H + st.laneH;

/** Backgrounds of the lanes on screen, alternating; returns those lanes. */
function drawLanes(): number[] {
  const lanes: number[] = [];
  visibleLanes.forEach((l, v) => {
    const y = laneY(l);
    if (!onScreen(y)) return;
    lanes.push(l);
    ctx.fillStyle = v % 2 ? '#fafafa' : '#ffffff';
    ctx.fillRect(GUTTER, y - 13, W - GUTTER, st.laneH);
  });
  return lanes;
}

/** Shaded spans: outages and actors down. */
function drawSpans(vx0: number, vx1: number): void {
  for (let s = 0; s < D.spans.length; s += 4) {
    const ys = laneY(D.spans[s]);
    if (ys < 0 || !onScreen(ys)) continue;
    const xa = X[D.spans[s + 1]];
    const xb = D.spans[s + 2] >= 0 ? X[D.spans[s + 2]] : maxX;
    if (xb < vx0 || xa > vx1) continue;
    const pa = Math.max(GUTTER, toPx(xa));
    const pb = Math.min(W, Math.max(toPx(xb), pa + 3));
    ctx.fillStyle = SPAN_COLOR[D.spans[s + 3]];
    ctx.fillRect(pa, ys - 13, pb - pa, st.laneH);
    frame.drawn.spans++;
    const style = SPAN_STYLES[D.spans[s + 3]];
    record({ type: 'span', style, x: pa, y: ys - 13, w: pb - pa, h: st.laneH });
  }
}

/** States along each lane, labelled where they fit. */
function drawStates(lanes: readonly number[], vx0: number, vx1: number): void {
  const { drawn } = frame;
  ctx.textBaseline = 'middle';
  for (const l of lanes) {
    const y = laneY(l);
    const lane = segs[l];
    let lo = 0;
    let hi = lane.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (lane[mid][1] < vx0) lo = mid + 1;
      else hi = mid;
    }
    let lastPx = -1;
    for (let j = lo; j < lane.length && lane[j][0] <= vx1; j++) {
      const [from, to, name] = lane[j];
      const p0 = Math.max(GUTTER, toPx(from));
      const p1 = Math.min(W, toPx(to));
      if (p1 - p0 < 1 && Math.floor(p0) === lastPx) continue;
      lastPx = Math.floor(p0);
      ctx.fillStyle = hashColor(name);
      ctx.fillRect(p0, y + 7, Math.max(1, p1 - p0), 10);
      drawn.states++;
      if (p1 - p0 > measure(name) + 6) {
        ctx.fillStyle = '#444';
        ctx.fillText(name, p0 + 3, y + 12);
        if (drawn.stateLabels.length < 500) drawn.stateLabels.push(name);
        record({ type: 'state', label: name, x: p0, y: y + 7, w: p1 - p0 });
      }
    }
    ctx.strokeStyle = '#c8c8c8';
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(GUTTER, y + 0.5);
    ctx.lineTo(W, y + 0.5);
    ctx.stroke();
  }
}

function drawGutter(lanes: readonly number[]): void {
  ctx.fillStyle = '#f3f3f3';
  ctx.fillRect(0, 0, GUTTER, H);
  ctx.fillStyle = '#222';
  ctx.textBaseline = 'middle';
  for (const l of lanes) {
    const y = laneY(l);
    const name = D.lanes[l];
    ctx.font = '12px system-ui, sans-serif';
    ctx.fillText(name.length > 18 ? name.slice(0, 17) + '...' : name, 8, y);
    ctx.font = '10px system-ui, sans-serif';
    ctx.fillStyle = '#888';
    ctx.fillText(D.laneNodes[l], 8, y + 12);
    ctx.fillStyle = '#222';
  }
  ctx.font = '11px system-ui, sans-serif';
}

/** A round step of 1, 2 or 5 times a power of ten, about 110 px apart. */
function tickStep(): number {
  const raw = 110 / st.scale;
  const pow = Math.pow(10, Math.floor(Math.log10(raw)));
  if (raw / pow > 5) return 10 * pow;
  if (raw / pow > 2) return 5 * pow;
  if (raw / pow > 1) return 2 * pow;
  return pow;
}

function drawAxis(): void {
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, W, AXIS_H);
  ctx.strokeStyle = '#bbb';
  ctx.beginPath();
  ctx.moveTo(0, AXIS_H - 0.5);
  ctx.lineTo(W, AXIS_H - 0.5);
  ctx.stroke();
  const step = tickStep();
  ctx.fillStyle = '#555';
  ctx.textBaseline = 'middle';
  ctx.beginPath();
  for (let x = Math.ceil(toWorld(GUTTER) / step) * step; toPx(x) < W; x += step) {
    const px = Math.round(toPx(x)) + 0.5;
    ctx.moveTo(px, AXIS_H - 6);
    ctx.lineTo(px, AXIS_H);
    const label =
      st.axis === 'wall' ? (x / 1000).toFixed(step < 1000 ? 3 : 1) + ' s' : 'L ' + Math.round(x);
    ctx.fillText(label, px + 3, 11);
  }
  ctx.stroke();
  ctx.fillStyle = '#f3f3f3';
  ctx.fillRect(0, 0, GUTTER, AXIS_H);
  ctx.fillStyle = '#333';
  ctx.fillText(st.axis === 'wall' ? 'wall clock' : 'Lamport time', 8, 13);
}

/** Draws the view now; `frame` then says what it drew. */
export function draw(): void {
  const t0 = performance.now();
  frame.drawn = emptyCounts();
  frame.items = [];
  ctx.setTransform(DPR, 0, 0, DPR, 0, 0);
  ctx.clearRect(0, 0, W, H);
  ctx.font = '11px system-ui, sans-serif';
  const vx0 = toWorld(GUTTER - 8);
  const vx1 = toWorld(W + 8);
  const lanes = drawLanes();
  drawSpans(vx0, vx1);
  drawStates(lanes, vx0, vx1);
  const ms: Record<string, number> = { base: performance.now() - t0 };
  frame.drawn.phasesMs = ms;
  const layers: [string, () => void][] = [
    ['arrows', () => drawArrows(vx0, vx1)],
    ['stubs', () => drawStubs(vx0, vx1)],
    ['events', () => drawEvents(lanes, vx0, vx1)],
    ['highlights', () => drawHighlights(vx0, vx1)],
  ];
  for (const [name, layer] of layers) {
    const tp = performance.now();
    layer();
    ms[name] = performance.now() - tp;
  }
  drawGutter(lanes);
  drawAxis();
  frame.count++;
  frame.lastMs = performance.now() - t0;
}
