import type { Clock, TimerHandle } from '../clock.js';

/**
 * Time that moves only when told to. Under a controlled schedule nothing runs on its own: a
 * timer fires when the schedule takes the `time` step, which advances `now` to that timer's
 * due time. So timeouts, polls and xstate's delayed transitions happen at the same point of
 * every replay, however fast the machine is.
 */
export interface VirtualClock extends Clock {
  /** Where time started (virtual ms since the epoch). */
  readonly originMs: number;
  /** Timers set and neither fired nor cleared. */
  readonly pending: number;
  /** Due time of the timer `fireNext` would fire, or undefined when none is set. */
  nextDue(): number | undefined;
  /** Fires the earliest timer (ties: the one set first), moving `now` to its due time if that
   *  is later. Returns false when no timer is set. */
  fireNext(): boolean;
  /** Moves `now` forward without firing anything; overdue timers fire at the next
   *  `fireNext`, at the new `now`. */
  jumpTo(ms: number): void;
  /** Forgets every timer (the run is over). */
  close(): void;
}

export interface VirtualClockOptions {
  /** Virtual start time, ms since the epoch. Default 1_700_000_000_000 (a fixed instant, so
   *  trace `wall` fields are the same in every replay). */
  startMs?: number;
}

interface Timer {
  at: number;
  seq: number;
  fn: () => void;
}

const before = (a: Timer, b: Timer) => a.at < b.at || (a.at === b.at && a.seq < b.seq);

/** A binary heap of timers with lazy deletion: statecharts set and clear a timeout on most
 *  state entries, so clearing must be O(1). */
export function createVirtualClock(options: VirtualClockOptions = {}): VirtualClock {
  const originMs = options.startMs ?? 1_700_000_000_000;
  let now = originMs;
  let nextSeq = 1;
  let heap: Timer[] = [];
  const live = new Map<number, Timer>();

  const up = (i: number) => {
    const t = heap[i]!;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(t, heap[parent]!)) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = t;
  };
  const down = (i: number) => {
    const t = heap[i]!;
    const n = heap.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && before(heap[r]!, heap[l]!) ? r : l;
      if (!before(heap[c]!, t)) break;
      heap[i] = heap[c]!;
      i = c;
    }
    heap[i] = t;
  };
  const pop = () => {
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      down(0);
    }
  };
  /** Drops cleared timers from the top, so heap[0] is the next live one. */
  const top = (): Timer | undefined => {
    while (heap.length > 0 && live.get(heap[0]!.seq) !== heap[0]) pop();
    return heap[0];
  };
  const compact = () => {
    heap = [...live.values()].sort((a, b) => (before(a, b) ? -1 : 1));
  };

  return {
    originMs,
    get pending() {
      return live.size;
    },
    now: () => now,
    setTimeout(fn: () => void, ms: number): TimerHandle {
      const delay = Number.isFinite(ms) && ms > 0 ? ms : 0;
      const t: Timer = { at: now + delay, seq: nextSeq++, fn };
      live.set(t.seq, t);
      heap.push(t);
      up(heap.length - 1);
      return t.seq;
    },
    clearTimeout(handle: TimerHandle) {
      if (typeof handle !== 'number' || !live.delete(handle)) return;
      if (heap.length > 64 && heap.length > 4 * live.size) compact();
    },
    nextDue: () => top()?.at,
    fireNext() {
      const t = top();
      if (!t) return false;
      pop();
      live.delete(t.seq);
      if (t.at > now) now = t.at;
      t.fn();
      return true;
    },
    jumpTo(ms: number) {
      if (ms > now) now = ms;
    },
    close() {
      live.clear();
      heap = [];
    },
  };
}
