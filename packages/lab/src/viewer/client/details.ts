/** The details panel: the selected event and finding, with links to the other findings the
 *  event is part of. */
import { el, byId } from './dom.js';
import { eventTitle, flagsText } from './event-text.js';
import { D, S, extraOf, st } from './page-model.js';
import { focusEvents, redraw } from './view.js';

export function showDetails(i: number, f: number): void {
  st.event = i;
  const box = byId('st-details');
  box.textContent = '';
  const finding = f >= 0 ? D.findings[f] : undefined;
  if (finding) {
    const verdict = `${finding.severity} [${finding.checker}] ${finding.verdict}`;
    box.appendChild(el('div', { class: 'st-verdict ' + finding.severity }, verdict));
    if (finding.noChain) {
      box.appendChild(el('div', { class: 'st-nochain' }, 'no causal chain: ' + finding.noChain));
    }
  }
  if (i < 0) return;
  box.appendChild(el('div', { class: 'st-title' }, eventTitle(i)));
  const wall = new Date(D.wall0 + D.w[i]).toISOString();
  const lines = [`lamport ${D.l[i]}, wall +${D.w[i]} ms (${wall})`];
  if (D.m[i] >= 0) lines.push('msgId ' + S[D.m[i]]);
  if (flagsText(i)) lines.push(flagsText(i));
  box.appendChild(el('pre', {}, lines.join('\n') + '\n' + JSON.stringify(extraOf(i), null, 1)));
  D.findings.forEach((other, k) => {
    if (k === f || !other.ev.includes(i)) return;
    const link = el('a', { href: '#', class: 'st-link' }, other.verdict);
    link.addEventListener('click', (ev) => {
      ev.preventDefault();
      selectFinding(k);
    });
    box.appendChild(link);
  });
}

/** Selects finding `f` (-1: none): marks it in the list, zooms to its events, shows it. */
export function selectFinding(f: number): void {
  st.finding = f;
  const items = document.querySelectorAll('#st-findings li');
  items.forEach((item, k) => item.classList.toggle('selected', k === f));
  const finding = f >= 0 ? D.findings[f] : undefined;
  if (finding) {
    focusEvents(finding.ev.concat(finding.chain));
    showDetails(finding.ev.length ? finding.ev[0] : -1, f);
  }
  redraw();
}
