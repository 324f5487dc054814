/**
 * The canvas, its size, and what the last frame drew: counts by kind and style, and (on pages
 * of up to 5000 events) every item with its pixel position, which tests read to check what is
 * on screen.
 */
import type { DrawnCounts, DrawnItem } from '../space-time-debug.js';
import { byId } from './dom.js';
import { n } from './page-model.js';

export const canvas = byId<HTMLCanvasElement>('st-canvas');
const context = canvas.getContext('2d');
if (!context) throw new Error('no 2d canvas context');
export const ctx: CanvasRenderingContext2D = context;

/** CSS pixels, and device pixels per CSS pixel. */
export let W = 0;
export let H = 0;
export let DPR = 1;

export function resize(): void {
  DPR = window.devicePixelRatio || 1;
  const box = (canvas.parentElement ?? canvas).getBoundingClientRect();
  W = Math.max(200, box.width);
  H = Math.max(120, box.height);
  canvas.width = Math.round(W * DPR);
  canvas.height = Math.round(H * DPR);
  canvas.style.width = W + 'px';
  canvas.style.height = H + 'px';
}

/** One thing drawn, in CSS pixels. */

/** Whether frames record their items (pages of up to 5000 events). */
export const recording = (): boolean => n <= 5000;
const MAX_ITEMS = 20000;

/** The frame being drawn (then the last one). */
export const frame = {
  drawn: emptyCounts(),
  items: [] as DrawnItem[],
  count: 0,
  lastMs: 0,
};

export function emptyCounts(): DrawnCounts {
  return {
    events: 0,
    eventsByKind: {},
    arrows: 0,
    arrowsByStyle: {},
    stubs: 0,
    stubsByStyle: {},
    states: 0,
    stateLabels: [],
    spans: 0,
    faults: 0,
    highlighted: 0,
    merged: 0,
  };
}

export function record(item: DrawnItem): void {
  if (recording() && frame.items.length < MAX_ITEMS) frame.items.push(item);
}

const textWidth = new Map<string, number>();
/** Width of `s` in the current font, measured once. */
export function measure(s: string): number {
  let w = textWidth.get(s);
  if (w === undefined) {
    w = ctx.measureText(s).width;
    textWidth.set(s, w);
  }
  return w;
}

/** `counts[key] += 1`. */
export function bump(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}
