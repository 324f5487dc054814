/**
 * The page's controls, as browser JavaScript: zoom (wheel), pan (drag), filters by actor, event
 * kind and message type, search, the findings list (a click zooms to the finding's events),
 * event details, and `window.__spaceTime`, the debug view of what was drawn.
 */
export const clientUi = String.raw`
var pending = false;
function redraw() {
  if (pending) return;
  pending = true;
  requestAnimationFrame(function () { pending = false; draw(); });
}
function el(tag, attrs, text) {
  var node = document.createElement(tag);
  for (var key in attrs) node.setAttribute(key, attrs[key]);
  if (text !== undefined) node.textContent = text;
  return node;
}
function checkboxList(box, names, onToggle, counts) {
  names.forEach(function (name, k) {
    var label = el('label', { class: 'st-check' });
    var input = el('input', { type: 'checkbox', 'data-name': name });
    input.checked = true;
    input.addEventListener('change', function () { onToggle(k, name, input.checked); });
    label.appendChild(input);
    label.appendChild(document.createTextNode(' ' + name + (counts ? ' (' + counts[k] + ')' : '')));
    box.appendChild(label);
  });
}

function setLane(l, on) {
  if (on) delete st.hiddenLanes[l]; else st.hiddenLanes[l] = true;
  layoutLanes(); redraw();
}
function setKind(k, on) { if (on) delete st.hiddenKinds[k]; else st.hiddenKinds[k] = true; redraw(); }
function setType(t, on) { if (on) delete st.hiddenTypes[t]; else st.hiddenTypes[t] = true; redraw(); }

function zoomTo(a, b) {
  fitRange(a, b, W);
  redraw();
}
function fitAll() { st.yOff = 0; zoomTo(minX, maxX); }
function showLane(l) {
  if (laneTop[l] < 0) return;
  var top = laneTop[l], view = H - AXIS_H;
  if (top < st.yOff || top + st.laneH > st.yOff + view) st.yOff = Math.max(0, top - view / 3);
}
function focusEvents(list) {
  if (list.length === 0) return;
  var a = Infinity, b = -Infinity;
  for (var k = 0; k < list.length; k++) { a = Math.min(a, X[list[k]]); b = Math.max(b, X[list[k]]); }
  var span = Math.max(b - a, st.axis === 'wall' ? 20 : 8);
  zoomTo(a - span * 0.25, b + span * 0.25);
  showLane(D.a[list[0]]);
}
function selectFinding(f) {
  st.finding = f;
  var items = document.querySelectorAll('#st-findings li');
  for (var k = 0; k < items.length; k++) items[k].classList.toggle('selected', k === f);
  if (f >= 0) {
    var fd = D.findings[f];
    focusEvents(fd.ev.concat(fd.chain));
    showDetails(fd.ev.length ? fd.ev[0] : -1, f);
  }
  redraw();
}
function runSearch(q) {
  st.query = q;
  var list = [];
  var needle = q.trim().toLowerCase();
  if (needle) for (var i = 0; i < n; i++) if (!eventHidden(i) && searchable(i).indexOf(needle) >= 0) list.push(i);
  list.sort(function (p, r) { return X[p] - X[r]; });
  st.matches = list; st.matchAt = -1;
  document.getElementById('st-count').textContent = needle ? list.length + ' found' : '';
  redraw();
}
function nextMatch(dir) {
  if (st.matches.length === 0) return;
  st.matchAt = (st.matchAt + dir + st.matches.length) % st.matches.length;
  var i = st.matches[st.matchAt];
  focusEvents([i]); showDetails(i, -1);
}
function showDetails(i, f) {
  st.event = i;
  var box = document.getElementById('st-details');
  box.textContent = '';
  if (f >= 0) {
    var fd = D.findings[f];
    box.appendChild(el('div', { class: 'st-verdict ' + fd.severity }, fd.severity + ' [' + fd.checker + '] ' + fd.verdict));
    if (fd.noChain) box.appendChild(el('div', { class: 'st-nochain' }, 'no causal chain: ' + fd.noChain));
  }
  if (i < 0) return;
  box.appendChild(el('div', { class: 'st-title' }, eventTitle(i)));
  var lines = ['lamport ' + D.l[i] + ', wall +' + D.w[i] + ' ms (' + new Date(D.wall0 + D.w[i]).toISOString() + ')'];
  if (D.m[i] >= 0) lines.push('msgId ' + S[D.m[i]]);
  if (flagsText(i)) lines.push(flagsText(i));
  box.appendChild(el('pre', {}, lines.join('\n') + '\n' + JSON.stringify(extraOf(i), null, 1)));
  for (var k = 0; k < D.findings.length; k++) {
    if (k === f || D.findings[k].ev.indexOf(i) < 0) continue;
    var link = el('a', { href: '#', class: 'st-link' }, D.findings[k].verdict);
    link.addEventListener('click', (function (which) {
      return function (ev) { ev.preventDefault(); selectFinding(which); };
    })(k));
    box.appendChild(link);
  }
}
function hit(px, py) {
  var best = -1, bestD = 7;
  for (var v = 0; v < visibleLanes.length; v++) {
    var l = visibleLanes[v], y = laneY(l);
    if (Math.abs(py - y) > 9) continue;
    var xs = laneXs[l], ev = laneEv[l], j = lowerBound(xs, toWorld(px - 8));
    for (; j < ev.length && xs[j] <= toWorld(px + 8); j++) {
      if (eventHidden(ev[j])) continue;
      var d = Math.abs(toPx(xs[j]) - px);
      if (d < bestD) { bestD = d; best = ev[j]; }
    }
  }
  return best;
}

function buildSidebar() {
  document.getElementById('st-stats').textContent =
    n + ' events, ' + NL + ' lanes, ' + D.arrows.length / 3 + ' arrows, ' + D.findings.length + ' findings';
  var list = document.getElementById('st-findings');
  D.findings.forEach(function (fd, f) {
    var li = el('li', { class: fd.severity }, fd.severity + ' [' + fd.checker + '] ' + fd.verdict);
    li.addEventListener('click', function () { selectFinding(st.finding === f ? -1 : f); });
    list.appendChild(li);
  });
  if (D.findings.length === 0) list.appendChild(el('li', { class: 'none' }, 'no findings'));
  var perLane = new Array(NL).fill(0), perKind = new Array(KINDS.length).fill(0), perType = {};
  for (var i = 0; i < n; i++) {
    perLane[D.a[i]]++; perKind[D.k[i]]++;
    if (D.k[i] === 0) perType[S[D.t[i]]] = (perType[S[D.t[i]]] || 0) + 1;
  }
  checkboxList(document.getElementById('st-lanes'), D.lanes, function (l, _n, on) { setLane(l, on); }, perLane);
  checkboxList(document.getElementById('st-kinds'), KINDS, function (k, _n, on) { setKind(k, on); }, perKind);
  checkboxList(document.getElementById('st-types'), D.types, function (_k, t, on) { setType(t, on); },
    D.types.map(function (t) { return perType[t] || 0; }));
  var search = document.getElementById('st-search'), timer = 0;
  search.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(function () { runSearch(search.value); }, 120);
  });
  search.addEventListener('keydown', function (ev) {
    if (ev.key === 'Enter') { clearTimeout(timer); if (st.query !== search.value) runSearch(search.value); nextMatch(ev.shiftKey ? -1 : 1); }
  });
  var axis = document.getElementById('st-axis');
  axis.value = st.axis;
  axis.addEventListener('change', function () { st.axis = axis.value; layoutAxis(); fitAll(); });
  document.getElementById('st-fit').addEventListener('click', fitAll);
}

function bindCanvas() {
  var drag = null;
  canvas.addEventListener('wheel', function (ev) {
    ev.preventDefault();
    if (ev.shiftKey) { st.yOff = Math.max(0, st.yOff + ev.deltaY); redraw(); return; }
    var rect = canvas.getBoundingClientRect(), px = Math.max(GUTTER, ev.clientX - rect.left);
    var at = toWorld(px), factor = Math.exp(-ev.deltaY * 0.0015);
    st.scale = Math.min(Math.max(st.scale * factor, 1e-7), 400);
    st.x0 = at - (px - GUTTER) / st.scale;
    redraw();
  }, { passive: false });
  canvas.addEventListener('mousedown', function (ev) { drag = { x: ev.clientX, y: ev.clientY, moved: false }; });
  window.addEventListener('mouseup', function (ev) {
    if (drag && !drag.moved) {
      var rect = canvas.getBoundingClientRect(), i = hit(ev.clientX - rect.left, ev.clientY - rect.top);
      if (i >= 0 || ev.target === canvas) { showDetails(i, -1); redraw(); }
    }
    drag = null;
  });
  window.addEventListener('mousemove', function (ev) {
    var tip = document.getElementById('st-tip'), rect = canvas.getBoundingClientRect();
    if (drag) {
      var dx = ev.clientX - drag.x, dy = ev.clientY - drag.y;
      if (Math.abs(dx) + Math.abs(dy) > 2) drag.moved = true;
      st.x0 -= dx / st.scale; st.yOff = Math.max(0, st.yOff - dy);
      drag.x = ev.clientX; drag.y = ev.clientY;
      redraw();
      return;
    }
    if (ev.target !== canvas) { tip.style.display = 'none'; return; }
    var i = hit(ev.clientX - rect.left, ev.clientY - rect.top);
    if (i < 0) { tip.style.display = 'none'; return; }
    tip.textContent = eventTitle(i) + '  (L ' + D.l[i] + ')';
    tip.style.display = 'block';
    tip.style.left = ev.clientX + 12 + 'px'; tip.style.top = ev.clientY + 12 + 'px';
  });
  window.addEventListener('resize', function () { resize(); redraw(); });
  window.addEventListener('keydown', function (ev) {
    if (ev.target && ev.target.tagName === 'INPUT') return;
    if (ev.key === '0') fitAll();
    if (ev.key === '+' || ev.key === '=') { st.scale *= 1.5; redraw(); }
    if (ev.key === '-') { st.scale /= 1.5; redraw(); }
  });
}

function publish() {
  var api = window.__spaceTime || {};
  api.ready = true;
  api.lanes = visibleLanes.map(function (l) { return D.lanes[l]; });
  api.drawn = drawn;
  api.items = RECORD ? items : null;
  api.findings = D.findings.map(function (f) { return { checker: f.checker, severity: f.severity, verdict: f.verdict, events: f.ev.length }; });
  api.matches = st.matches.length;
  api.selectedFinding = st.finding;
  api.selectedEvent = st.event;
  api.view = { axis: st.axis, x0: toWorld(GUTTER), x1: toWorld(W), scale: st.scale, yOff: st.yOff };
  api.frames = frames;
  api.lastFrameMs = lastFrameMs;
  api.api = { redraw: redraw, drawNow: draw, zoomTo: zoomTo, fitAll: fitAll, selectFinding: selectFinding,
    search: runSearch, setLane: setLane, setKind: setKind, setType: setType };
  window.__spaceTime = api;
}

layoutAxis();
layoutLanes();
resize();
fitAll();
buildSidebar();
bindCanvas();
draw();
window.__spaceTime.firstFrameMs = performance.now();
window.__spaceTime.scriptMs = performance.now() - T0;
`;
