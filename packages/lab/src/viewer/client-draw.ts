/**
 * The page's renderer, as browser JavaScript. One frame draws only the visible window:
 * binary search per lane for events, the block index for arrows; when zoomed out it merges
 * marks and arrows that land on the same pixels, so a frame costs about the screen, not the
 * trace. Every frame also refreshes `window.__spaceTime.drawn`, what it actually drew.
 */
export const clientDraw = String.raw`
var canvas = document.getElementById('st-canvas');
var ctx = canvas.getContext('2d');
var W = 0, H = 0, DPR = 1;
var KIND_COLOR = ['#2f5d9e', '#2f5d9e', '#6a6a6a', '#8e44ad', '#1b7f5b', '#2e9e44', '#d62728', '#222222', '#8c6d1f'];
var ARROW_COLOR = ['#5b7fb5', '#2b8cbe', '#e6850e', '#8e44ad', '#c9a100', '#7b1e1e'];
var ARROW_DASH = [[], [6, 3], [3, 3], [8, 3, 2, 3], [1, 0], [2, 3]];
var STUB_COLOR = ['#d62728', '#a50f15', '#8a8a8a', '#b8b8b8', '#9a9a9a', '#d62728'];
var SPAN_COLOR = ['rgba(214,39,40,0.14)', 'rgba(80,80,80,0.16)'];
var STATE_COLORS = ['#dbe9f6', '#e3f1dc', '#f9e7cf', '#eadcf3', '#f6dbe1', '#dff3f1', '#f2efd2', '#e4e4e4'];
var drawn = null, items = null, RECORD = n <= 5000, frames = 0, lastFrameMs = 0;
var textWidth = {};
function hashColor(s) {
  var h = 0;
  for (var i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) | 0;
  return STATE_COLORS[Math.abs(h) % STATE_COLORS.length];
}
function measure(s) {
  var w = textWidth[s];
  if (w === undefined) { w = ctx.measureText(s).width; textWidth[s] = w; }
  return w;
}
function resize() {
  DPR = window.devicePixelRatio || 1;
  var box = canvas.parentElement.getBoundingClientRect();
  W = Math.max(200, box.width); H = Math.max(120, box.height);
  canvas.width = Math.round(W * DPR); canvas.height = Math.round(H * DPR);
  canvas.style.width = W + 'px'; canvas.style.height = H + 'px';
}
function record(item) { if (RECORD && items.length < 20000) items.push(item); }

function draw() {
  var t0 = performance.now();
  drawn = { events: 0, eventsByKind: {}, arrows: 0, arrowsByStyle: {}, stubs: 0, stubsByStyle: {},
    states: 0, stateLabels: [], spans: 0, faults: 0, highlighted: 0, merged: 0 };
  items = [];
  ctx.setTransform(DPR, 0, 0, DPR, 0, 0);
  ctx.clearRect(0, 0, W, H);
  ctx.font = '11px system-ui, sans-serif';
  var vx0 = toWorld(GUTTER - 8), vx1 = toWorld(W + 8);
  var lanesOnScreen = [];
  for (var v = 0; v < visibleLanes.length; v++) {
    var l = visibleLanes[v], y = laneY(l);
    if (y < AXIS_H - st.laneH || y > H + st.laneH) continue;
    lanesOnScreen.push(l);
    ctx.fillStyle = v % 2 ? '#fafafa' : '#ffffff';
    ctx.fillRect(GUTTER, y - 13, W - GUTTER, st.laneH);
  }
  // Shaded spans: outages and actors down.
  for (var s = 0; s < D.spans.length; s += 4) {
    var sl = D.spans[s], ys = laneY(sl);
    if (ys < 0 || ys < AXIS_H - st.laneH || ys > H + st.laneH) continue;
    var xa = X[D.spans[s + 1]], xb = D.spans[s + 2] >= 0 ? X[D.spans[s + 2]] : maxX;
    if (xb < vx0 || xa > vx1) continue;
    var pa = Math.max(GUTTER, toPx(xa)), pb = Math.min(W, Math.max(toPx(xb), pa + 3));
    ctx.fillStyle = SPAN_COLOR[D.spans[s + 3]];
    ctx.fillRect(pa, ys - 13, pb - pa, st.laneH);
    drawn.spans++;
    record({ type: 'span', style: SPAN_STYLES[D.spans[s + 3]], x: pa, y: ys - 13, w: pb - pa, h: st.laneH });
  }
  // States along each lane, labelled where they fit.
  ctx.textBaseline = 'middle';
  for (v = 0; v < lanesOnScreen.length; v++) {
    l = lanesOnScreen[v]; y = laneY(l);
    var lane = segs[l], lo = 0, hi = lane.length;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (lane[mid][1] < vx0) lo = mid + 1; else hi = mid; }
    var lastPx = -1;
    for (var j = lo; j < lane.length && lane[j][0] <= vx1; j++) {
      var g = lane[j], p0 = Math.max(GUTTER, toPx(g[0])), p1 = Math.min(W, toPx(g[1]));
      if (p1 - p0 < 1 && Math.floor(p0) === lastPx) continue;
      lastPx = Math.floor(p0);
      ctx.fillStyle = hashColor(g[2]);
      ctx.fillRect(p0, y + 7, Math.max(1, p1 - p0), 10);
      drawn.states++;
      if (p1 - p0 > measure(g[2]) + 6) {
        ctx.fillStyle = '#444';
        ctx.fillText(g[2], p0 + 3, y + 12);
        if (drawn.stateLabels.length < 500) drawn.stateLabels.push(g[2]);
        record({ type: 'state', label: g[2], x: p0, y: y + 7, w: p1 - p0 });
      }
    }
    ctx.strokeStyle = '#c8c8c8'; ctx.lineWidth = 1;
    ctx.beginPath(); ctx.moveTo(GUTTER, y + 0.5); ctx.lineTo(W, y + 0.5); ctx.stroke();
  }
  // Time per layer, for whoever tunes this next.
  var ms = (drawn.phasesMs = { base: performance.now() - t0 }), tp = performance.now();
  drawArrows(vx0, vx1); ms.arrows = performance.now() - tp; tp = performance.now();
  drawStubs(vx0, vx1); ms.stubs = performance.now() - tp; tp = performance.now();
  drawEvents(lanesOnScreen, vx0, vx1); ms.events = performance.now() - tp; tp = performance.now();
  drawHighlights(vx0, vx1); ms.highlights = performance.now() - tp;
  drawGutter(lanesOnScreen);
  drawAxis();
  frames++;
  lastFrameMs = performance.now() - t0;
  publish();
}

function lineTo(path, x1, y1, x2, y2, head) {
  path.moveTo(x1, y1); path.lineTo(x2, y2);
  if (!head) return;
  var dx = x2 - x1, dy = y2 - y1, len = Math.sqrt(dx * dx + dy * dy);
  if (len < 14) return;
  var ux = dx / len, uy = dy / len;
  path.moveTo(x2, y2); path.lineTo(x2 - 7 * ux + 3.5 * uy, y2 - 7 * uy - 3.5 * ux);
  path.moveTo(x2, y2); path.lineTo(x2 - 7 * ux - 3.5 * uy, y2 - 7 * uy + 3.5 * ux);
}

function drawArrows(vx0, vx1) {
  var paths = [], heads = [], seen = null;
  for (var k = 0; k < ARROW_COLOR.length; k++) { paths.push(new Path2D()); heads.push(new Path2D()); }
  var b = lowerBound(blockPrefix, vx0);
  var many = 0;
  for (var c = b; c < blockMax.length; c++) {
    if (arrowMin[c * BLOCK] > vx1) break;
    if (blockMax[c] < vx0) continue;
    many += BLOCK;
  }
  if (many > 4000) seen = new Set();
  for (c = b; c < blockMax.length; c++) {
    var start = c * BLOCK;
    if (arrowMin[start] > vx1) break;
    if (blockMax[c] < vx0) continue;
    var end = Math.min(arrowOrder.length, start + BLOCK);
    for (var q = start; q < end; q++) {
      if (arrowMin[q] > vx1) break;
      if (arrowMax[q] < vx0) continue;
      var a = arrowOrder[q], s = D.arrows[3 * a], r = D.arrows[3 * a + 1], style = D.arrows[3 * a + 2];
      if (st.hiddenLanes[D.a[s]] || st.hiddenLanes[D.a[r]] || msgTypeHidden(s)) continue;
      var y1 = laneY(D.a[s]), y2 = laneY(D.a[r]);
      if ((y1 < 0 && y2 < 0) || (y1 > H && y2 > H)) continue;
      var x1 = toPx(X[s]), x2 = toPx(X[r]);
      if (seen) {
        var kx1 = Math.min(Math.max(Math.round(x1), -4000), 12000) + 4096;
        var kx2 = Math.min(Math.max(Math.round(x2), -4000), 12000) + 4096;
        var key = ((kx1 * 16384 + kx2) * 1024 + D.a[s]) * 1024 + D.a[r];
        key = key * 8 + style;
        if (seen.has(key)) { drawn.merged++; continue; }
        seen.add(key);
      }
      lineTo(paths[style], x1, y1, x2, y2, !seen);
      if (style === 5) { heads[5].moveTo(x2 + 5, y2); heads[5].arc(x2, y2, 5, 0, 6.2832); }
      drawn.arrows++;
      drawn.arrowsByStyle[ARROW_STYLES[style]] = (drawn.arrowsByStyle[ARROW_STYLES[style]] || 0) + 1;
      record({ type: 'arrow', style: ARROW_STYLES[style], i: s, j: r, x1: x1, y1: y1, x2: x2, y2: y2 });
    }
  }
  for (k = 0; k < paths.length; k++) {
    ctx.strokeStyle = ARROW_COLOR[k]; ctx.lineWidth = k === 0 ? 1 : 1.6;
    ctx.setLineDash(ARROW_DASH[k]); ctx.stroke(paths[k]);
    ctx.setLineDash([]); ctx.stroke(heads[k]);
  }
}

function drawStubs(vx0, vx1) {
  var paths = [], ends = [];
  for (var k = 0; k < STUB_COLOR.length; k++) { paths.push(new Path2D()); ends.push(new Path2D()); }
  var from = lowerBound(stubX, vx0 - 40 / st.scale);
  var lastKey = -1, labels = [];
  for (var q = from; q < stubX.length && stubX[q] <= vx1; q++) {
    var u = stubOrder[q], s = D.stubs[3 * u], target = D.stubs[3 * u + 1], style = D.stubs[3 * u + 2];
    if (st.hiddenLanes[D.a[s]] || msgTypeHidden(s)) continue;
    var y1 = laneY(D.a[s]);
    if (y1 < 0 || y1 > H + 20) continue;
    var x1 = toPx(X[s]);
    var key = Math.round(x1) * 64 + style;
    if (key === lastKey) { drawn.merged++; continue; }
    lastKey = key;
    var ty = target >= 0 && laneY(target) >= 0 ? laneY(target) : y1 - st.laneH;
    var x2 = x1 + 26, y2 = y1 + (ty - y1) * 0.45;
    if (Math.abs(y2 - y1) < 8) y2 = y1 + (ty >= y1 ? 10 : -10);
    paths[style].moveTo(x1, y1); paths[style].lineTo(x2, y2);
    if (style === 0 || style === 5) {
      ends[style].moveTo(x2 - 4, y2 - 4); ends[style].lineTo(x2 + 4, y2 + 4);
      ends[style].moveTo(x2 + 4, y2 - 4); ends[style].lineTo(x2 - 4, y2 + 4);
    } else if (style === 1) labels.push([x2 + 2, y2]);
    else if (style === 2) { ends[2].moveTo(x2 + 4, y2); ends[2].arc(x2, y2, 4, 0, 6.2832); }
    drawn.stubs++;
    drawn.stubsByStyle[STUB_STYLES[style]] = (drawn.stubsByStyle[STUB_STYLES[style]] || 0) + 1;
    record({ type: 'stub', style: STUB_STYLES[style], i: s, x1: x1, y1: y1, x2: x2, y2: y2 });
  }
  for (k = 0; k < paths.length; k++) {
    ctx.strokeStyle = STUB_COLOR[k]; ctx.lineWidth = 1.8;
    ctx.setLineDash(k === 2 || k === 4 ? [2, 2] : []); ctx.stroke(paths[k]);
    ctx.setLineDash([]); ctx.lineWidth = 2.5; ctx.stroke(ends[k]);
  }
  ctx.fillStyle = STUB_COLOR[1]; ctx.font = 'bold 12px system-ui, sans-serif';
  for (k = 0; k < labels.length && k < 2000; k++) ctx.fillText('?', labels[k][0], labels[k][1]);
  ctx.font = '11px system-ui, sans-serif';
}

function mark(path, k, x, y) {
  if (k === 6) { path.moveTo(x, y - 6); path.lineTo(x + 5, y + 4); path.lineTo(x - 5, y + 4); path.closePath(); }
  else if (k === 7) path.rect(x - 4, y - 4, 8, 8);
  else if (k === 0 || k === 1) { path.moveTo(x + 3.5, y); path.arc(x, y, 3.5, 0, 6.2832); }
  else if (k === 5) path.rect(x - 3.5, y - 3.5, 7, 7);
  else { path.moveTo(x, y - 4); path.lineTo(x + 4, y); path.lineTo(x, y + 4); path.lineTo(x - 4, y); path.closePath(); }
}

// Which kind wins a pixel column when zoomed out: faults and rejects over task events over
// messages over the rest.
var PRIORITY = [4, 4, 1, 2, 3, 5, 7, 6, 1];
var columns = null;
function drawEvents(lanesOnScreen, vx0, vx1) {
  var width = Math.ceil(W) + 2;
  if (!columns || columns.length < width) columns = new Int8Array(width);
  for (var v = 0; v < lanesOnScreen.length; v++) {
    var l = lanesOnScreen[v], y = laneY(l), ev = laneEv[l], xs = laneXs[l];
    var from = lowerBound(xs, vx0), to = lowerBound(xs, vx1 + 1e-9);
    if (to - from > (W - GUTTER) * 0.35) drawColumns(ev, xs, from, to, y, width);
    else drawShapes(ev, xs, from, to, y);
  }
}
function count(i) {
  drawn.events++;
  drawn.eventsByKind[KINDS[D.k[i]]] = (drawn.eventsByKind[KINDS[D.k[i]]] || 0) + 1;
  if (D.k[i] === 6) drawn.faults++;
}
// Zoomed out: one mark per pixel column, the most telling kind in it.
function drawColumns(ev, xs, from, to, y, width) {
  columns.fill(0, 0, width);
  var winner = new Int32Array(width);
  for (var j = from; j < to; j++) {
    var i = ev[j], kind = D.k[i];
    if (st.hiddenKinds[kind] || msgTypeHidden(i)) continue;
    var c = Math.round(toPx(xs[j]));
    if (c < 0 || c >= width) continue;
    if (PRIORITY[kind] > columns[c]) {
      if (columns[c] > 0) drawn.merged++;
      columns[c] = PRIORITY[kind]; winner[c] = i;
    } else drawn.merged++;
  }
  for (var k = 0; k < KINDS.length; k++) {
    ctx.fillStyle = KIND_COLOR[k];
    for (c = GUTTER; c < width; c++) {
      if (columns[c] === 0 || D.k[winner[c]] !== k) continue;
      if (k === 6) ctx.fillRect(c - 2, y - 6, 4, 12); else ctx.fillRect(c - 1, y - 3, 2, 6);
      count(winner[c]);
      record({ type: 'event', kind: KINDS[k], i: winner[c], x: c, y: y });
    }
  }
}
function drawShapes(ev, xs, from, to, y) {
  var paths = [];
  for (var k = 0; k < KINDS.length; k++) paths.push(null);
  var lastPx = -1e9, lastKind = -1;
  for (var j = from; j < to; j++) {
    var i = ev[j], kind = D.k[i];
    if (st.hiddenKinds[kind] || msgTypeHidden(i)) continue;
    var px = toPx(xs[j]), cell = Math.round(px);
    if (cell === lastPx && kind === lastKind && kind !== 6) { drawn.merged++; continue; }
    lastPx = cell; lastKind = kind;
    if (!paths[kind]) paths[kind] = new Path2D();
    mark(paths[kind], kind, px, y);
    count(i);
    record({ type: 'event', kind: KINDS[kind], i: i, x: px, y: y });
  }
  for (k = 0; k < paths.length; k++) if (paths[k]) { ctx.fillStyle = KIND_COLOR[k]; ctx.fill(paths[k]); }
}

function ring(path, i, r) {
  var y = laneY(D.a[i]);
  if (y < 0) return false;
  var x = toPx(X[i]);
  path.moveTo(x + r, y); path.arc(x, y, r, 0, 6.2832);
  return true;
}
function drawHighlights(vx0, vx1) {
  var inView = function (i) { return X[i] >= vx0 && X[i] <= vx1 && !st.hiddenLanes[D.a[i]]; };
  var all = new Path2D(), sel = new Path2D(), found = new Path2D(), picked = new Path2D();
  for (var f = 0; f < D.findings.length && f < 5000; f++) {
    var ev = D.findings[f].ev;
    for (var e = 0; e < ev.length; e++) if (inView(ev[e])) ring(all, ev[e], 6);
  }
  if (st.finding >= 0) {
    var fd = D.findings[st.finding], chain = new Path2D(), started = false;
    for (e = 0; e < fd.chain.length; e++) {
      var c = fd.chain[e], cy = laneY(D.a[c]);
      if (cy < 0) continue;
      if (!started) { chain.moveTo(toPx(X[c]), cy); started = true; } else chain.lineTo(toPx(X[c]), cy);
    }
    ctx.strokeStyle = 'rgba(255,190,0,0.75)'; ctx.lineWidth = 5; ctx.stroke(chain);
    for (e = 0; e < fd.ev.length; e++) if (ring(sel, fd.ev[e], 9)) drawn.highlighted++;
  }
  for (var m = 0; m < st.matches.length && m < 20000; m++) {
    if (inView(st.matches[m]) && ring(found, st.matches[m], 7)) drawn.highlighted++;
  }
  if (st.event >= 0) ring(picked, st.event, 8);
  ctx.lineWidth = 1.5; ctx.strokeStyle = 'rgba(214,39,40,0.55)'; ctx.stroke(all);
  ctx.lineWidth = 2.5; ctx.strokeStyle = '#ff7f0e'; ctx.stroke(sel);
  ctx.lineWidth = 2; ctx.strokeStyle = '#e0b000'; ctx.stroke(found);
  ctx.strokeStyle = '#1f77b4'; ctx.stroke(picked);
}

function drawGutter(lanesOnScreen) {
  ctx.fillStyle = '#f3f3f3'; ctx.fillRect(0, 0, GUTTER, H);
  ctx.fillStyle = '#222'; ctx.textBaseline = 'middle';
  for (var v = 0; v < lanesOnScreen.length; v++) {
    var l = lanesOnScreen[v], y = laneY(l), name = D.lanes[l];
    ctx.font = '12px system-ui, sans-serif';
    ctx.fillText(name.length > 18 ? name.slice(0, 17) + '...' : name, 8, y);
    ctx.font = '10px system-ui, sans-serif'; ctx.fillStyle = '#888';
    ctx.fillText(D.laneNodes[l], 8, y + 12); ctx.fillStyle = '#222';
  }
  ctx.font = '11px system-ui, sans-serif';
}

function drawAxis() {
  ctx.fillStyle = '#fff'; ctx.fillRect(0, 0, W, AXIS_H);
  ctx.strokeStyle = '#bbb'; ctx.beginPath(); ctx.moveTo(0, AXIS_H - 0.5); ctx.lineTo(W, AXIS_H - 0.5); ctx.stroke();
  var raw = 110 / st.scale, pow = Math.pow(10, Math.floor(Math.log10(raw))), step = pow;
  if (raw / pow > 5) step = 10 * pow; else if (raw / pow > 2) step = 5 * pow; else if (raw / pow > 1) step = 2 * pow;
  var first = Math.ceil(toWorld(GUTTER) / step) * step;
  ctx.fillStyle = '#555'; ctx.textBaseline = 'middle';
  ctx.beginPath();
  for (var x = first; toPx(x) < W; x += step) {
    var px = Math.round(toPx(x)) + 0.5;
    ctx.moveTo(px, AXIS_H - 6); ctx.lineTo(px, AXIS_H);
    var label = st.axis === 'wall' ? (x / 1000).toFixed(step < 1000 ? 3 : 1) + ' s' : 'L ' + Math.round(x);
    ctx.fillText(label, px + 3, 11);
  }
  ctx.stroke();
  ctx.fillStyle = '#f3f3f3'; ctx.fillRect(0, 0, GUTTER, AXIS_H);
  ctx.fillStyle = '#333'; ctx.fillText(st.axis === 'wall' ? 'wall clock' : 'Lamport time', 8, 13);
}
`;
