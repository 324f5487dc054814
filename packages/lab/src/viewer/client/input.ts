/** The mouse and keyboard on the diagram: wheel zoom, drag to pan, hover and click on events. */
import { canvas, resize } from './canvas.js';
import { showDetails } from './details.js';
import { byId } from './dom.js';
import { eventTitle } from './event-text.js';
import {
  GUTTER,
  laneEv,
  laneXs,
  laneY,
  lowerBound,
  toPx,
  toWorld,
  visibleLanes,
} from './layout.js';
import { D, eventHidden, st } from './page-model.js';
import { fitAll, redraw } from './view.js';

/** The event nearest (px, py) within a few pixels, -1 if none. */
function hit(px: number, py: number): number {
  let best = -1;
  let bestD = 7;
  for (const l of visibleLanes) {
    if (Math.abs(py - laneY(l)) > 9) continue;
    const xs = laneXs[l];
    const ev = laneEv[l];
    for (let j = lowerBound(xs, toWorld(px - 8)); j < ev.length && xs[j] <= toWorld(px + 8); j++) {
      if (eventHidden(ev[j])) continue;
      const d = Math.abs(toPx(xs[j]) - px);
      if (d < bestD) {
        bestD = d;
        best = ev[j];
      }
    }
  }
  return best;
}

function zoomAtWheel(ev: WheelEvent): void {
  ev.preventDefault();
  if (ev.shiftKey) {
    st.yOff = Math.max(0, st.yOff + ev.deltaY);
    redraw();
    return;
  }
  const rect = canvas.getBoundingClientRect();
  const px = Math.max(GUTTER, ev.clientX - rect.left);
  const at = toWorld(px);
  st.scale = Math.min(Math.max(st.scale * Math.exp(-ev.deltaY * 0.0015), 1e-7), 400);
  st.x0 = at - (px - GUTTER) / st.scale;
  redraw();
}

function showTip(ev: MouseEvent): void {
  const tip = byId('st-tip');
  const rect = canvas.getBoundingClientRect();
  const i = ev.target === canvas ? hit(ev.clientX - rect.left, ev.clientY - rect.top) : -1;
  if (i < 0) {
    tip.style.display = 'none';
    return;
  }
  tip.textContent = `${eventTitle(i)}  (L ${D.l[i]})`;
  tip.style.display = 'block';
  tip.style.left = ev.clientX + 12 + 'px';
  tip.style.top = ev.clientY + 12 + 'px';
}

function onKey(ev: KeyboardEvent): void {
  if (ev.target instanceof HTMLElement && ev.target.tagName === 'INPUT') return;
  if (ev.key === '0') fitAll();
  if (ev.key === '+' || ev.key === '=') {
    st.scale *= 1.5;
    redraw();
  }
  if (ev.key === '-') {
    st.scale /= 1.5;
    redraw();
  }
}

export function bindCanvas(): void {
  let drag: { x: number; y: number; moved: boolean } | undefined;
  canvas.addEventListener('wheel', zoomAtWheel, { passive: false });
  canvas.addEventListener('mousedown', (ev) => {
    drag = { x: ev.clientX, y: ev.clientY, moved: false };
  });
  window.addEventListener('mouseup', (ev) => {
    if (drag && !drag.moved) {
      const rect = canvas.getBoundingClientRect();
      const i = hit(ev.clientX - rect.left, ev.clientY - rect.top);
      if (i >= 0 || ev.target === canvas) {
        showDetails(i, -1);
        redraw();
      }
    }
    drag = undefined;
  });
  window.addEventListener('mousemove', (ev) => {
    if (!drag) {
      showTip(ev);
      return;
    }
    const dx = ev.clientX - drag.x;
    const dy = ev.clientY - drag.y;
    if (Math.abs(dx) + Math.abs(dy) > 2) drag.moved = true;
    st.x0 -= dx / st.scale;
    st.yOff = Math.max(0, st.yOff - dy);
    drag.x = ev.clientX;
    drag.y = ev.clientY;
    redraw();
  });
  window.addEventListener('resize', () => {
    resize();
    redraw();
  });
  window.addEventListener('keydown', onKey);
}
