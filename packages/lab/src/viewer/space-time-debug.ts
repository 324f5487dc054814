/**
 * What the space-time page publishes about its last frame as `window.__spaceTime`: written by
 * the page's script (client/main.ts), read by whoever drives the page (the viewer's tests).
 * Types only, without DOM types, so both sides compile against one definition.
 */

/** How much of each kind the last frame drew. */
export interface DrawnCounts {
  events: number;
  eventsByKind: Record<string, number>;
  arrows: number;
  arrowsByStyle: Record<string, number>;
  stubs: number;
  stubsByStyle: Record<string, number>;
  states: number;
  stateLabels: string[];
  spans: number;
  faults: number;
  highlighted: number;
  merged: number;
  /** Time per layer of the frame, for whoever tunes this next. */
  phasesMs?: Record<string, number>;
}

/** One thing drawn, with where (in CSS pixels) it was drawn. */
export interface DrawnItem {
  type: 'span' | 'state' | 'arrow' | 'stub' | 'event';
  style?: string;
  kind?: string;
  label?: string;
  i?: number;
  j?: number;
  x?: number;
  y?: number;
  w?: number;
  h?: number;
  x1?: number;
  y1?: number;
  x2?: number;
  y2?: number;
}

/** A live page's updates drawn so far. */
export interface LiveState {
  version: number;
  updates: number;
  events: number;
  ended: boolean;
  status?: string;
  connected: boolean;
  /** Each update drawn (the last 200): its version, events, events drawn, and whether the
   *  run had ended. */
  history: { version: number; events: number; drawn: number; ended: boolean }[];
}

/** The page's own controls, for a driver that does not go through input events. */
export interface SpaceTimeApi {
  drawNow(): void;
  zoomTo(a: number, b: number): void;
  fitAll(): void;
  [name: string]: (...args: never[]) => void;
}

export interface SpaceTimeDebug {
  ready: boolean;
  lanes: string[];
  drawn: DrawnCounts;
  /** Null on pages too large to record every item (over 5000 events). */
  items: DrawnItem[] | null;
  findings: { checker: string; severity: string; verdict: string; events: number }[];
  matches: number;
  selectedFinding: number;
  selectedEvent: number;
  view: { axis: string; x0: number; x1: number; scale: number; yOff: number };
  frames: number;
  lastFrameMs: number;
  firstFrameMs?: number;
  scriptMs?: number;
  /** On a live page: the updates drawn so far. */
  live?: LiveState;
  api: SpaceTimeApi;
}
