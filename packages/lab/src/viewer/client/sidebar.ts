/** The side panel: counts, findings, the lane / kind / type filters, search and axis. */
import { EVENT_KINDS } from '../space-time-codes.js';
import { selectFinding } from './details.js';
import { byId, el } from './dom.js';
import { layoutAxis } from './layout.js';
import { D, NL, S, n, st } from './page-model.js';
import { nextMatch, runSearch } from './search.js';
import { fitAll, setKind, setLane, setType } from './view.js';

function checkboxList(
  box: HTMLElement,
  names: readonly string[],
  onToggle: (k: number, name: string, on: boolean) => void,
  counts: readonly number[],
  shown: (k: number, name: string) => boolean,
): void {
  box.replaceChildren();
  names.forEach((name, k) => {
    const label = el('label', { class: 'st-check' });
    const input = el('input', { type: 'checkbox', 'data-name': name }) as HTMLInputElement;
    input.checked = shown(k, name);
    input.addEventListener('change', () => onToggle(k, name, input.checked));
    label.appendChild(input);
    label.appendChild(document.createTextNode(` ${name} (${counts[k]})`));
    box.appendChild(label);
  });
}

function listFindings(): void {
  const list = byId('st-findings');
  list.replaceChildren();
  D.findings.forEach((finding, f) => {
    const text = `${finding.severity} [${finding.checker}] ${finding.verdict}`;
    const li = el('li', { class: finding.severity }, text);
    li.addEventListener('click', () => selectFinding(st.finding === f ? -1 : f));
    list.appendChild(li);
  });
  if (D.findings.length === 0) list.appendChild(el('li', { class: 'none' }, 'no findings'));
}

function listFilters(): void {
  const perLane = new Array<number>(NL).fill(0);
  const perKind = new Array<number>(EVENT_KINDS.length).fill(0);
  const perType = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    perLane[D.a[i]]++;
    perKind[D.k[i]]++;
    if (D.k[i] === 0) perType.set(S[D.t[i]], (perType.get(S[D.t[i]]) ?? 0) + 1);
  }
  checkboxList(
    byId('st-lanes'),
    D.lanes,
    (l, _name, on) => setLane(l, on),
    perLane,
    (l) => st.hiddenLanes[l] !== true,
  );
  checkboxList(
    byId('st-kinds'),
    EVENT_KINDS,
    (k, _name, on) => setKind(k, on),
    perKind,
    (k) => st.hiddenKinds[k] !== true,
  );
  const typeCounts = D.types.map((t) => perType.get(t) ?? 0);
  checkboxList(
    byId('st-types'),
    D.types,
    (_k, t, on) => setType(t, on),
    typeCounts,
    (_k, t) => st.hiddenTypes[t] !== true,
  );
}

function bindSearch(): void {
  const search = byId<HTMLInputElement>('st-search');
  let timer = 0;
  search.addEventListener('input', () => {
    clearTimeout(timer);
    timer = window.setTimeout(() => runSearch(search.value), 120);
  });
  search.addEventListener('keydown', (ev) => {
    if (ev.key !== 'Enter') return;
    clearTimeout(timer);
    if (st.query !== search.value) runSearch(search.value);
    nextMatch(ev.shiftKey ? -1 : 1);
  });
}

/** What the side panel lists of the model: counts, findings and the filters (again after a
 *  live page's update). */
export function fillSidebar(): void {
  byId('st-stats').textContent =
    `${n} events, ${NL} lanes, ${D.arrows.length / 3} arrows, ${D.findings.length} findings`;
  listFindings();
  listFilters();
}

export function buildSidebar(): void {
  fillSidebar();
  bindSearch();
  const axis = byId<HTMLSelectElement>('st-axis');
  axis.value = st.axis;
  axis.addEventListener('change', () => {
    st.axis = axis.value === 'wall' ? 'wall' : 'lamport';
    layoutAxis();
    fitAll();
  });
  byId('st-fit').addEventListener('click', fitAll);
}
