/** What the reader sees: redrawing, zooming, which lanes, kinds and types are shown. */
import { H, W } from './canvas.js';
import { draw } from './draw-frame.js';
import { AXIS_H, X, fitRange, laneTop, layoutLanes, maxX, minX } from './layout.js';
import { D, st } from './page-model.js';

let afterFrame: () => void = () => undefined;
/** Runs `f` after every frame (the page publishes its debug object there). */
export function onFrame(f: () => void): void {
  afterFrame = f;
}

export function drawNow(): void {
  draw();
  afterFrame();
}

let pending = false;
/** Draws on the next animation frame, once however often it is asked. */
export function redraw(): void {
  if (pending) return;
  pending = true;
  requestAnimationFrame(() => {
    pending = false;
    drawNow();
  });
}

export function setLane(l: number, on: boolean): void {
  if (on) delete st.hiddenLanes[l];
  else st.hiddenLanes[l] = true;
  layoutLanes();
  redraw();
}
export function setKind(k: number, on: boolean): void {
  if (on) delete st.hiddenKinds[k];
  else st.hiddenKinds[k] = true;
  redraw();
}
export function setType(t: string, on: boolean): void {
  if (on) delete st.hiddenTypes[t];
  else st.hiddenTypes[t] = true;
  redraw();
}

export function zoomTo(a: number, b: number): void {
  fitRange(a, b, W);
  redraw();
}
export function fitAll(): void {
  st.yOff = 0;
  zoomTo(minX, maxX);
}
/** Scrolls lane `l` into view if it is not. */
function showLane(l: number): void {
  if (laneTop[l] < 0) return;
  const top = laneTop[l];
  const view = H - AXIS_H;
  if (top < st.yOff || top + st.laneH > st.yOff + view) st.yOff = Math.max(0, top - view / 3);
}
/** Zooms to the events in `list`, with a margin, and shows the first one's lane. */
export function focusEvents(list: readonly number[]): void {
  if (list.length === 0) return;
  let a = Infinity;
  let b = -Infinity;
  for (const i of list) {
    a = Math.min(a, X[i]);
    b = Math.max(b, X[i]);
  }
  const span = Math.max(b - a, st.axis === 'wall' ? 20 : 8);
  zoomTo(a - span * 0.25, b + span * 0.25);
  showLane(D.a[list[0]]);
}
