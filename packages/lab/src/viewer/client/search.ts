/** Text search over the events: every match ringed, Enter steps through them. */
import { showDetails } from './details.js';
import { byId } from './dom.js';
import { searchable } from './event-text.js';
import { X } from './layout.js';
import { eventHidden, n, st } from './page-model.js';
import { focusEvents, redraw } from './view.js';

export function runSearch(q: string): void {
  st.query = q;
  const list: number[] = [];
  const needle = q.trim().toLowerCase();
  if (needle) {
    for (let i = 0; i < n; i++) if (!eventHidden(i) && searchable(i).includes(needle)) list.push(i);
  }
  list.sort((p, r) => X[p] - X[r]);
  st.matches = list;
  st.matchAt = -1;
  byId('st-count').textContent = needle ? list.length + ' found' : '';
  redraw();
}

/** Shows the next (`dir` 1) or previous (-1) match. */
export function nextMatch(dir: number): void {
  if (st.matches.length === 0) return;
  st.matchAt = (st.matchAt + dir + st.matches.length) % st.matches.length;
  const i = st.matches[st.matchAt];
  focusEvents([i]);
  showDetails(i, -1);
}
