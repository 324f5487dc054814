/**
 * Where things are: each event's position on the time axis, the indexes that let a frame
 * touch only what is visible (per-lane events sorted by time, arrows sorted by their left end
 * in blocks with their right-end maximum, state segments per lane), lanes on screen, and the
 * conversions between world and pixel coordinates.
 */
import { D, NL, S, n, st } from './page-model.js';

/** Each event's position on the current axis. */
export let X = new Float64Array(n);

/** A state along a lane: from, to (world), the state's name. */
export type Segment = [number, number, string];

/** Arrows per block of the sorted order, for skipping blocks that end before the view. */
export const BLOCK = 64;

export let laneEv: Int32Array[] = [];
export let laneXs: Float64Array[] = [];
export let segs: Segment[][] = [];
export let arrowOrder: Int32Array = new Int32Array(0);
export let arrowMin = new Float64Array(0);
export let arrowMax = new Float64Array(0);
export let blockMax = new Float64Array(0);
export let blockPrefix = new Float64Array(0);
export let stubOrder: Int32Array = new Int32Array(0);
export let stubX = new Float64Array(0);
export let minX = 0;
export let maxX = 1;

function sortedBy(keys: Float64Array, count: number): Int32Array {
  const order = new Int32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  order.sort((p, q) => keys[p] - keys[q] || p - q);
  return order;
}

function placeEvents(): void {
  const src = st.axis === 'wall' ? D.w : D.l;
  if (X.length !== n) X = new Float64Array(n);
  minX = Infinity;
  maxX = -Infinity;
  for (let i = 0; i < n; i++) {
    X[i] = src[i];
    if (X[i] < minX) minX = X[i];
    if (X[i] > maxX) maxX = X[i];
  }
  if (!isFinite(minX)) {
    minX = 0;
    maxX = 1;
  }
  if (maxX <= minX) maxX = minX + 1;
}

function indexLanes(): void {
  const buckets: number[][] = [];
  for (let l = 0; l < NL; l++) buckets.push([]);
  for (let e = 0; e < n; e++) buckets[D.a[e]].push(e);
  laneEv = [];
  laneXs = [];
  segs = [];
  for (const list of buckets) {
    list.sort((p, q) => X[p] - X[q] || p - q);
    const ev = Int32Array.from(list);
    const xs = new Float64Array(ev.length);
    for (let j = 0; j < ev.length; j++) xs[j] = X[ev[j]];
    laneEv.push(ev);
    laneXs.push(xs);
    const lane: Segment[] = [];
    let open = -1;
    for (const e of ev) {
      if (D.k[e] !== 2) continue;
      if (open >= 0) lane.push([X[open], X[e], S[D.t[open]]]);
      open = e;
    }
    // The last state lasts as far as the trace knows: to its end.
    if (open >= 0) lane.push([X[open], maxX, S[D.t[open]]]);
    segs.push(lane);
  }
}

function indexArrows(): void {
  const na = D.arrows.length / 3;
  const lo = new Float64Array(na);
  const hi = new Float64Array(na);
  for (let a = 0; a < na; a++) {
    const xa = X[D.arrows[3 * a]];
    const xb = X[D.arrows[3 * a + 1]];
    lo[a] = Math.min(xa, xb);
    hi[a] = Math.max(xa, xb);
  }
  arrowOrder = sortedBy(lo, na);
  arrowMin = new Float64Array(na);
  arrowMax = new Float64Array(na);
  for (let a = 0; a < na; a++) {
    arrowMin[a] = lo[arrowOrder[a]];
    arrowMax[a] = hi[arrowOrder[a]];
  }
  const nb = Math.ceil(na / BLOCK);
  blockMax = new Float64Array(nb);
  blockPrefix = new Float64Array(nb);
  for (let b = 0; b < nb; b++) {
    let m = -Infinity;
    for (let a = b * BLOCK; a < Math.min(na, (b + 1) * BLOCK); a++) {
      if (arrowMax[a] > m) m = arrowMax[a];
    }
    blockMax[b] = m;
    blockPrefix[b] = b > 0 ? Math.max(blockPrefix[b - 1], m) : m;
  }
}

function indexStubs(): void {
  const ns = D.stubs.length / 3;
  const sx = new Float64Array(ns);
  for (let s = 0; s < ns; s++) sx[s] = X[D.stubs[3 * s]];
  stubOrder = sortedBy(sx, ns);
  stubX = new Float64Array(ns);
  for (let s = 0; s < ns; s++) stubX[s] = sx[stubOrder[s]];
}

/** Places every event on the current axis and rebuilds the indexes. */
export function layoutAxis(): void {
  placeEvents();
  indexLanes();
  indexArrows();
  indexStubs();
}

/** The first index of sorted `xs` whose value is at least `v`. */
export function lowerBound(xs: ArrayLike<number>, v: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

// ---- lanes on screen ------------------------------------------------------------------
export const AXIS_H = 26;
export const GUTTER = 150;
/** Each lane's top (px from the first lane), -1 when hidden. */
export let laneTop = new Float64Array(NL);
/** Lanes not hidden, top to bottom. */
export const visibleLanes: number[] = [];

export function layoutLanes(): void {
  if (laneTop.length !== NL) laneTop = new Float64Array(NL);
  visibleLanes.length = 0;
  let y = 0;
  for (let l = 0; l < NL; l++) {
    if (st.hiddenLanes[l]) {
      laneTop[l] = -1;
      continue;
    }
    laneTop[l] = y;
    y += st.laneH;
    visibleLanes.push(l);
  }
}

/** The y of a lane's centre line on screen, -1 when hidden. */
export function laneY(l: number): number {
  return laneTop[l] < 0 ? -1 : AXIS_H + laneTop[l] - st.yOff + 13;
}
export function toPx(x: number): number {
  return GUTTER + (x - st.x0) * st.scale;
}
export function toWorld(px: number): number {
  return st.x0 + (px - GUTTER) / st.scale;
}
/** Sets the view so that [a, b] fills `width` pixels, with a margin. */
export function fitRange(a: number, b: number, width: number): void {
  const span = Math.max(b - a, 1e-9);
  const pad = span * 0.03 + (st.axis === 'wall' ? 1 : 0.5);
  st.scale = (width - GUTTER - 12) / (span + 2 * pad);
  st.x0 = a - pad;
}
