/**
 * The page's data layer, as browser JavaScript: it decodes the embedded model once, then
 * builds the indexes that let every frame touch only what is visible (per-lane events sorted
 * by time, arrows sorted by their left end in blocks with their right-end maximum, state
 * segments per lane). Kept as plain script text: the page must work from a file, offline.
 */
export const clientCore = String.raw`
var T0 = performance.now();
var D = JSON.parse(document.getElementById('st-data').textContent);
var n = D.k.length;
var NL = D.lanes.length;
var S = D.strings;
var X = new Float64Array(n);
var st = {
  axis: D.axis, x0: 0, scale: 1, yOff: 0, laneH: 36,
  hiddenLanes: {}, hiddenKinds: {}, hiddenTypes: {},
  query: '', matches: [], matchAt: -1, finding: -1, event: -1
};
var extra = null;
function extraOf(i) {
  if (!extra) {
    extra = {};
    for (var k = 0; k < D.x.length; k += 2) extra[D.x[k]] = D.x[k + 1];
  }
  return extra[i] || {};
}
var typeIdOfType = {};
for (var ti = 0; ti < D.types.length; ti++) typeIdOfType[D.types[ti]] = ti;
function msgTypeHidden(i) {
  var k = D.k[i];
  if (k !== 0 && k !== 1) return false;
  return st.hiddenTypes[S[D.t[i]]] === true;
}
function eventHidden(i) {
  return st.hiddenLanes[D.a[i]] === true || st.hiddenKinds[D.k[i]] === true || msgTypeHidden(i);
}

// ---- per-axis layout ----------------------------------------------------------------
var laneEv = [], laneXs = [], segs = [], arrowOrder, arrowMin, arrowMax, blockMax, blockPrefix;
var stubOrder, stubX, minX = 0, maxX = 1;
var BLOCK = 64;
function sortedBy(keys, count) {
  var order = new Int32Array(count);
  for (var i = 0; i < count; i++) order[i] = i;
  order.sort(function (p, q) { return keys[p] - keys[q] || p - q; });
  return order;
}
function layoutAxis() {
  var src = st.axis === 'wall' ? D.w : D.l;
  minX = Infinity; maxX = -Infinity;
  for (var i = 0; i < n; i++) {
    X[i] = src[i];
    if (X[i] < minX) minX = X[i];
    if (X[i] > maxX) maxX = X[i];
  }
  if (!isFinite(minX)) { minX = 0; maxX = 1; }
  if (maxX <= minX) maxX = minX + 1;
  var buckets = [];
  for (var l = 0; l < NL; l++) buckets.push([]);
  for (var e = 0; e < n; e++) buckets[D.a[e]].push(e);
  laneEv = []; laneXs = []; segs = [];
  for (l = 0; l < NL; l++) {
    var list = buckets[l];
    list.sort(function (p, q) { return X[p] - X[q] || p - q; });
    var ev = Int32Array.from(list);
    var xs = new Float64Array(ev.length);
    for (var j = 0; j < ev.length; j++) xs[j] = X[ev[j]];
    laneEv.push(ev); laneXs.push(xs);
    var lane = [];
    var open = -1;
    for (j = 0; j < ev.length; j++) {
      if (D.k[ev[j]] !== 2) continue;
      if (open >= 0) lane.push([X[open], X[ev[j]], S[D.t[open]]]);
      open = ev[j];
    }
    // The last state lasts as far as the trace knows: to its end.
    if (open >= 0) lane.push([X[open], maxX, S[D.t[open]]]);
    segs.push(lane);
  }
  var na = D.arrows.length / 3;
  var lo = new Float64Array(na), hi = new Float64Array(na);
  for (var a = 0; a < na; a++) {
    var xa = X[D.arrows[3 * a]], xb = X[D.arrows[3 * a + 1]];
    lo[a] = Math.min(xa, xb); hi[a] = Math.max(xa, xb);
  }
  arrowOrder = sortedBy(lo, na);
  arrowMin = new Float64Array(na); arrowMax = new Float64Array(na);
  for (a = 0; a < na; a++) { arrowMin[a] = lo[arrowOrder[a]]; arrowMax[a] = hi[arrowOrder[a]]; }
  var nb = Math.ceil(na / BLOCK);
  blockMax = new Float64Array(nb); blockPrefix = new Float64Array(nb);
  for (var b = 0; b < nb; b++) {
    var m = -Infinity;
    for (a = b * BLOCK; a < Math.min(na, (b + 1) * BLOCK); a++) if (arrowMax[a] > m) m = arrowMax[a];
    blockMax[b] = m;
    blockPrefix[b] = b > 0 ? Math.max(blockPrefix[b - 1], m) : m;
  }
  var ns = D.stubs.length / 3;
  var sx = new Float64Array(ns);
  for (var s = 0; s < ns; s++) sx[s] = X[D.stubs[3 * s]];
  stubOrder = sortedBy(sx, ns);
  stubX = new Float64Array(ns);
  for (s = 0; s < ns; s++) stubX[s] = sx[stubOrder[s]];
}
function lowerBound(xs, v) {
  var lo = 0, hi = xs.length;
  while (lo < hi) { var mid = (lo + hi) >> 1; if (xs[mid] < v) lo = mid + 1; else hi = mid; }
  return lo;
}

// ---- lanes on screen ------------------------------------------------------------------
var AXIS_H = 26, GUTTER = 150;
var laneTop = new Float64Array(NL);
var visibleLanes = [];
function layoutLanes() {
  visibleLanes = [];
  var y = 0;
  for (var l = 0; l < NL; l++) {
    if (st.hiddenLanes[l]) { laneTop[l] = -1; continue; }
    laneTop[l] = y; y += st.laneH; visibleLanes.push(l);
  }
}
function laneY(l) { return laneTop[l] < 0 ? -1 : AXIS_H + laneTop[l] - st.yOff + 13; }
function toPx(x) { return GUTTER + (x - st.x0) * st.scale; }
function toWorld(px) { return st.x0 + (px - GUTTER) / st.scale; }
function fitRange(a, b, width) {
  var span = Math.max(b - a, 1e-9);
  var pad = span * 0.03 + (st.axis === 'wall' ? 1 : 0.5);
  st.scale = (width - GUTTER - 12) / (span + 2 * pad);
  st.x0 = a - pad;
}

// ---- text of events -------------------------------------------------------------------
function flagsText(i) {
  var f = D.f[i], out = [];
  if (f & 1) out.push('duplicate');
  if (f & 2) out.push('redelivered');
  if (f & 4) out.push('unhandled');
  if (f & 8) out.push('retry');
  if (f & 16) out.push('at-least-once');
  return out.join(', ');
}
function eventTitle(i) {
  var k = KINDS[D.k[i]], x = extraOf(i), m = D.m[i] >= 0 ? ' ' + S[D.m[i]] : '';
  var head = D.lanes[D.a[i]] + '#' + D.seq[i] + '  ' + k + ' ';
  if (k === 'send') return head + S[D.t[i]] + m + ' -> ' + x.to;
  if (k === 'recv') return head + S[D.t[i]] + m + ' <- ' + x.from + (flagsText(i) ? ' (' + flagsText(i) + ')' : '');
  if (k === 'state') return head + (x.from || '(start)') + ' -> ' + S[D.t[i]];
  if (k === 'task') return head + S[D.t[i]] + ' ' + x.phase;
  if (k === 'tool') return head + S[D.t[i]] + (x.path ? ' ' + x.path : '') + (x.rev !== undefined ? ' rev ' + x.rev : '');
  return head + S[D.t[i]] + m;
}
var searchText = null;
function searchable(i) {
  if (!searchText) searchText = new Array(n);
  var s = searchText[i];
  if (s === undefined) {
    s = (eventTitle(i) + ' ' + JSON.stringify(extraOf(i))).toLowerCase();
    searchText[i] = s;
  }
  return s;
}
`;
