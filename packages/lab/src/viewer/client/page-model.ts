/**
 * The model the page draws, read from the page's `st-data` block (and, on a live page,
 * replaced as the team runs: `setModel`), with the view state every part of the page shares.
 */
import type { SpaceTimeModel } from '../space-time-model.js';
import { byId } from './dom.js';

/** When the script started, for `scriptMs`. */
export const T0 = performance.now();

export let D = JSON.parse(byId('st-data').textContent ?? '') as SpaceTimeModel;
/** Events. */
export let n = D.k.length;
/** Lanes. */
export let NL = D.lanes.length;
export let S = D.strings;

export interface ViewState {
  axis: 'lamport' | 'wall';
  /** World coordinate at the gutter's right edge, and pixels per world unit. */
  x0: number;
  scale: number;
  /** Vertical scroll of the lanes, and the height of one. */
  yOff: number;
  laneH: number;
  hiddenLanes: Record<number, true>;
  hiddenKinds: Record<number, true>;
  hiddenTypes: Record<string, true>;
  query: string;
  matches: number[];
  matchAt: number;
  finding: number;
  event: number;
}

export const st: ViewState = {
  axis: D.axis,
  x0: 0,
  scale: 1,
  yOff: 0,
  laneH: 36,
  hiddenLanes: {},
  hiddenKinds: {},
  hiddenTypes: {},
  query: '',
  matches: [],
  matchAt: -1,
  finding: -1,
  event: -1,
};

/** Fields of an event beyond the columns (`to`, `from`, `phase`, `path`, ...). */
export type Extra = Record<string, unknown>;

let extra: Map<number, Extra> | undefined;

/**
 * Draws `next` from now on (a live page's update). Lanes hidden stay hidden by name; the
 * selection and the search's matches are cleared, since event numbers change.
 */
export function setModel(next: SpaceTimeModel): void {
  const hidden = new Set(Object.keys(st.hiddenLanes).map((l) => D.lanes[Number(l)]));
  D = next;
  n = D.k.length;
  NL = D.lanes.length;
  S = D.strings;
  extra = undefined;
  st.hiddenLanes = {};
  D.lanes.forEach((name, l) => {
    if (hidden.has(name)) st.hiddenLanes[l] = true;
  });
  st.matches = [];
  st.matchAt = -1;
  st.finding = -1;
  st.event = -1;
}
export function extraOf(i: number): Extra {
  if (!extra) {
    extra = new Map();
    for (let k = 0; k < D.x.length; k += 2) extra.set(D.x[k] as number, D.x[k + 1] as Extra);
  }
  return extra.get(i) ?? {};
}

export function msgTypeHidden(i: number): boolean {
  const k = D.k[i];
  if (k !== 0 && k !== 1) return false;
  return st.hiddenTypes[S[D.t[i]]] === true;
}

export function eventHidden(i: number): boolean {
  return st.hiddenLanes[D.a[i]] === true || st.hiddenKinds[D.k[i]] === true || msgTypeHidden(i);
}
