/** Message arrows (send to receive) and stubs (transmissions that reached no one). */
import { ARROW_STYLES, STUB_STYLES } from '../space-time-codes.js';
import { H, bump, ctx, frame, record } from './canvas.js';
import {
  BLOCK,
  X,
  arrowMax,
  arrowMin,
  arrowOrder,
  blockMax,
  blockPrefix,
  laneY,
  lowerBound,
  stubOrder,
  stubX,
  toPx,
} from './layout.js';
import { D, msgTypeHidden, st } from './page-model.js';

const ARROW_COLOR = ['#5b7fb5', '#2b8cbe', '#e6850e', '#8e44ad', '#c9a100', '#7b1e1e'];
const ARROW_DASH = [[], [6, 3], [3, 3], [8, 3, 2, 3], [1, 0], [2, 3]];
const STUB_COLOR = ['#d62728', '#a50f15', '#8a8a8a', '#b8b8b8', '#9a9a9a', '#d62728'];
const FULL_CIRCLE = 6.2832;

function lineTo(path: Path2D, x1: number, y1: number, x2: number, y2: number, head: boolean) {
  path.moveTo(x1, y1);
  path.lineTo(x2, y2);
  if (!head) return;
  const dx = x2 - x1;
  const dy = y2 - y1;
  const len = Math.sqrt(dx * dx + dy * dy);
  if (len < 14) return;
  const ux = dx / len;
  const uy = dy / len;
  path.moveTo(x2, y2);
  path.lineTo(x2 - 7 * ux + 3.5 * uy, y2 - 7 * uy - 3.5 * ux);
  path.moveTo(x2, y2);
  path.lineTo(x2 - 7 * ux - 3.5 * uy, y2 - 7 * uy + 3.5 * ux);
}

/** Arrows between pixel-identical ends collapse into one when there are many on screen. */
function arrowKey(x1: number, x2: number, s: number, r: number, style: number): number {
  const kx1 = Math.min(Math.max(Math.round(x1), -4000), 12000) + 4096;
  const kx2 = Math.min(Math.max(Math.round(x2), -4000), 12000) + 4096;
  return (((kx1 * 16384 + kx2) * 1024 + D.a[s]) * 1024 + D.a[r]) * 8 + style;
}

/** Arrows in sorted-order blocks that may reach [vx0, vx1]. */
function arrowsInView(vx0: number, vx1: number, visit: (q: number) => void): void {
  for (let c = lowerBound(blockPrefix, vx0); c < blockMax.length; c++) {
    const start = c * BLOCK;
    if (arrowMin[start] > vx1) break;
    if (blockMax[c] < vx0) continue;
    const end = Math.min(arrowOrder.length, start + BLOCK);
    for (let q = start; q < end; q++) {
      if (arrowMin[q] > vx1) break;
      if (arrowMax[q] >= vx0) visit(q);
    }
  }
}

export function drawArrows(vx0: number, vx1: number): void {
  const { drawn } = frame;
  const paths = ARROW_COLOR.map(() => new Path2D());
  const heads = ARROW_COLOR.map(() => new Path2D());
  let many = 0;
  for (let c = lowerBound(blockPrefix, vx0); c < blockMax.length; c++) {
    if (arrowMin[c * BLOCK] > vx1) break;
    if (blockMax[c] >= vx0) many += BLOCK;
  }
  const seen = many > 4000 ? new Set<number>() : undefined;
  arrowsInView(vx0, vx1, (q) => {
    const a = arrowOrder[q];
    const s = D.arrows[3 * a];
    const r = D.arrows[3 * a + 1];
    const style = D.arrows[3 * a + 2];
    if (st.hiddenLanes[D.a[s]] || st.hiddenLanes[D.a[r]] || msgTypeHidden(s)) return;
    const y1 = laneY(D.a[s]);
    const y2 = laneY(D.a[r]);
    if ((y1 < 0 && y2 < 0) || (y1 > H && y2 > H)) return;
    const x1 = toPx(X[s]);
    const x2 = toPx(X[r]);
    if (seen) {
      const key = arrowKey(x1, x2, s, r, style);
      if (seen.has(key)) {
        drawn.merged++;
        return;
      }
      seen.add(key);
    }
    lineTo(paths[style], x1, y1, x2, y2, !seen);
    if (style === 5) {
      heads[5].moveTo(x2 + 5, y2);
      heads[5].arc(x2, y2, 5, 0, FULL_CIRCLE);
    }
    drawn.arrows++;
    bump(drawn.arrowsByStyle, ARROW_STYLES[style]);
    record({ type: 'arrow', style: ARROW_STYLES[style], i: s, j: r, x1, y1, x2, y2 });
  });
  for (let k = 0; k < paths.length; k++) {
    ctx.strokeStyle = ARROW_COLOR[k];
    ctx.lineWidth = k === 0 ? 1 : 1.6;
    ctx.setLineDash(ARROW_DASH[k]);
    ctx.stroke(paths[k]);
    ctx.setLineDash([]);
    ctx.stroke(heads[k]);
  }
}

/** The end of a stub: a cross (dropped, send failed), a ring (in flight), a `?` (lost). */
function stubEnd(
  ends: Path2D[],
  labels: [number, number][],
  style: number,
  x2: number,
  y2: number,
) {
  if (style === 0 || style === 5) {
    ends[style].moveTo(x2 - 4, y2 - 4);
    ends[style].lineTo(x2 + 4, y2 + 4);
    ends[style].moveTo(x2 + 4, y2 - 4);
    ends[style].lineTo(x2 - 4, y2 + 4);
  } else if (style === 1) labels.push([x2 + 2, y2]);
  else if (style === 2) {
    ends[2].moveTo(x2 + 4, y2);
    ends[2].arc(x2, y2, 4, 0, FULL_CIRCLE);
  }
}

export function drawStubs(vx0: number, vx1: number): void {
  const { drawn } = frame;
  const paths = STUB_COLOR.map(() => new Path2D());
  const ends = STUB_COLOR.map(() => new Path2D());
  const labels: [number, number][] = [];
  let lastKey = -1;
  for (let q = lowerBound(stubX, vx0 - 40 / st.scale); q < stubX.length && stubX[q] <= vx1; q++) {
    const u = stubOrder[q];
    const s = D.stubs[3 * u];
    const target = D.stubs[3 * u + 1];
    const style = D.stubs[3 * u + 2];
    if (st.hiddenLanes[D.a[s]] || msgTypeHidden(s)) continue;
    const y1 = laneY(D.a[s]);
    if (y1 < 0 || y1 > H + 20) continue;
    const x1 = toPx(X[s]);
    const key = Math.round(x1) * 64 + style;
    if (key === lastKey) {
      drawn.merged++;
      continue;
    }
    lastKey = key;
    const ty = target >= 0 && laneY(target) >= 0 ? laneY(target) : y1 - st.laneH;
    const x2 = x1 + 26;
    let y2 = y1 + (ty - y1) * 0.45;
    if (Math.abs(y2 - y1) < 8) y2 = y1 + (ty >= y1 ? 10 : -10);
    paths[style].moveTo(x1, y1);
    paths[style].lineTo(x2, y2);
    stubEnd(ends, labels, style, x2, y2);
    drawn.stubs++;
    bump(drawn.stubsByStyle, STUB_STYLES[style]);
    record({ type: 'stub', style: STUB_STYLES[style], i: s, x1, y1, x2, y2 });
  }
  for (let k = 0; k < paths.length; k++) {
    ctx.strokeStyle = STUB_COLOR[k];
    ctx.lineWidth = 1.8;
    ctx.setLineDash(k === 2 || k === 4 ? [2, 2] : []);
    ctx.stroke(paths[k]);
    ctx.setLineDash([]);
    ctx.lineWidth = 2.5;
    ctx.stroke(ends[k]);
  }
  ctx.fillStyle = STUB_COLOR[1];
  ctx.font = 'bold 12px system-ui, sans-serif';
  for (let k = 0; k < labels.length && k < 2000; k++) ctx.fillText('?', labels[k][0], labels[k][1]);
  ctx.font = '11px system-ui, sans-serif';
}
