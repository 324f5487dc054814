/** Events as text: titles for the tooltip and the details, and the text search looks in. */
import { EVENT_KINDS } from '../space-time-codes.js';
import { D, S, extraOf, n } from './page-model.js';

export function flagsText(i: number): string {
  const f = D.f[i];
  const out: string[] = [];
  if (f & 1) out.push('duplicate');
  if (f & 2) out.push('redelivered');
  if (f & 4) out.push('unhandled');
  if (f & 8) out.push('retry');
  if (f & 16) out.push('at-least-once');
  return out.join(', ');
}

const text = (v: unknown): string => (typeof v === 'string' || typeof v === 'number' ? `${v}` : '');

export function eventTitle(i: number): string {
  const k = EVENT_KINDS[D.k[i]];
  const x = extraOf(i);
  const m = D.m[i] >= 0 ? ' ' + S[D.m[i]] : '';
  const label = S[D.t[i]];
  const head = D.lanes[D.a[i]] + '#' + D.seq[i] + '  ' + k + ' ';
  if (k === 'send') return head + label + m + ' -> ' + text(x['to']);
  if (k === 'recv') {
    const flags = flagsText(i);
    return head + label + m + ' <- ' + text(x['from']) + (flags ? ' (' + flags + ')' : '');
  }
  if (k === 'state') return head + (text(x['from']) || '(start)') + ' -> ' + label;
  if (k === 'task') return head + label + ' ' + text(x['phase']);
  if (k === 'tool') {
    const path = x['path'] ? ' ' + text(x['path']) : '';
    return head + label + path + (x['rev'] !== undefined ? ' rev ' + text(x['rev']) : '');
  }
  return head + label + m;
}

let searchText: (string | undefined)[] | undefined;
/** The lower-case text a search matches in event `i` (computed on first use). */
export function searchable(i: number): string {
  searchText ??= new Array<string | undefined>(n);
  let s = searchText[i];
  if (s === undefined) {
    s = (eventTitle(i) + ' ' + JSON.stringify(extraOf(i))).toLowerCase();
    searchText[i] = s;
  }
  return s;
}
