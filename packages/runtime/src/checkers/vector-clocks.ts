import type { TraceIndex } from './trace-index.js';

export interface VectorClocksOptions {
  /**
   * Causal edges beyond program order and messages, as [cause, effect] event indices: for
   * instance a workspace write and a later access that read its revision. Default: none.
   */
  extraEdges?: Iterable<readonly [number, number]>;
}

/**
 * Happens-before, exact, from vector clocks derived after the fact: each actor's events in
 * program order, plus an edge from every send to each receive matched to it (and any extra
 * edges). Nothing of this travels on the wire.
 */
export interface VectorClocks {
  /** Number of components (one per actor of the index). */
  readonly width: number;
  /** Every event once, each after all of its causes (a linear extension of happens-before). */
  readonly order: Int32Array;
  /** Edges ignored because they closed a cycle; only a corrupt trace has any. */
  readonly brokenEdges: readonly (readonly [number, number])[];
  /** A copy of the event's vector clock, indexed by actor number. */
  clock(i: number): Int32Array;
  /** a -> b: a is in b's causal past (and a !== b). */
  happensBefore(a: number, b: number): boolean;
  /** Neither happens before the other (and a !== b). */
  concurrent(a: number, b: number): boolean;
  /**
   * A happens-before path from a to b, reduced to a, b and the events where it crosses from
   * one actor to another (a send and its receive, or an extra edge). Undefined if not a -> b.
   */
  causalChain(a: number, b: number): number[] | undefined;
  /** Causes of an event other than its program-order predecessor. */
  crossCauses(i: number): readonly number[];
}

const NONE: readonly number[] = [];

/** Derives every event's vector clock in O(events x actors). */
export function deriveVectorClocks(
  index: TraceIndex,
  options: VectorClocksOptions = {},
): VectorClocks {
  const n = index.events.length;
  const width = index.actors.length;
  const { actorOf, position, lanes, sendOf } = index;

  const extra = new Map<number, number[]>();
  for (const [from, to] of options.extraEdges ?? []) {
    if (from === to || from < 0 || to < 0 || from >= n || to >= n) continue;
    const list = extra.get(to);
    if (list) list.push(from);
    else extra.set(to, [from]);
  }
  const crossCauses = (i: number): readonly number[] => {
    const s = sendOf[i]!;
    const more = extra.get(i);
    if (s < 0) return more ?? NONE;
    return more ? [s, ...more] : [s];
  };

  const clocks = new Int32Array(n * width);
  const done = new Uint8Array(n);
  const forced = new Uint8Array(n);
  const order = new Int32Array(n);
  let ordered = 0;
  const brokenEdges: (readonly [number, number])[] = [];
  const ptr = new Int32Array(width);
  const waiting = new Map<number, number[]>();
  const queue: number[] = [];
  for (let a = 0; a < width; a++) queue.push(a);

  const stamp = (e: number) => {
    const a = actorOf[e]!;
    const row = e * width;
    const pos = position[e]!;
    if (pos > 0) {
      const prev = lanes[a]![pos - 1]! * width;
      clocks.copyWithin(row, prev, prev + width);
    }
    for (const p of crossCauses(e)) {
      if (!done[p]) continue;
      const src = p * width;
      for (let k = 0; k < width; k++) {
        if (clocks[src + k]! > clocks[row + k]!) clocks[row + k] = clocks[src + k]!;
      }
    }
    clocks[row + a] = pos + 1;
    done[e] = 1;
    order[ordered++] = e;
    const woken = waiting.get(e);
    if (woken) {
      waiting.delete(e);
      queue.push(...woken);
    }
  };

  const advance = (a: number) => {
    const lane = lanes[a]!;
    while (ptr[a]! < lane.length) {
      const e = lane[ptr[a]!]!;
      if (!forced[e]) {
        const blocker = crossCauses(e).find((p) => !done[p]);
        if (blocker !== undefined) {
          const list = waiting.get(blocker);
          if (list) list.push(a);
          else waiting.set(blocker, [a]);
          return;
        }
      }
      stamp(e);
      ptr[a]!++;
    }
  };

  while (ordered < n) {
    while (queue.length > 0) advance(queue.pop()!);
    if (ordered >= n) break;
    // Stuck: the remaining causes form a cycle, which only a corrupt trace can contain.
    // Ignore the blocked causes of the earliest waiting event and go on.
    let victim = -1;
    for (let a = 0; a < width; a++) {
      const e = lanes[a]![ptr[a]!];
      if (e !== undefined && (victim < 0 || e < victim)) victim = e;
    }
    forced[victim] = 1;
    for (const p of crossCauses(victim)) if (!done[p]) brokenEdges.push([p, victim]);
    queue.push(actorOf[victim]!);
  }

  const happensBefore = (a: number, b: number) =>
    a !== b && clocks[b * width + actorOf[a]!]! >= position[a]! + 1;

  return {
    width,
    order,
    brokenEdges,
    clock: (i) => clocks.slice(i * width, (i + 1) * width),
    happensBefore,
    concurrent: (a, b) => a !== b && !happensBefore(a, b) && !happensBefore(b, a),
    crossCauses,
    causalChain(a, b) {
      if (!happensBefore(a, b)) return undefined;
      const back: number[] = [b];
      let cur = b;
      const reaches = (p: number) => p === a || happensBefore(a, p);
      while (cur !== a) {
        if (actorOf[cur] === actorOf[a]) {
          back.push(a);
          break;
        }
        let next = crossCauses(cur).find(reaches);
        if (next === undefined) next = lanes[actorOf[cur]!]![position[cur]! - 1]!;
        back.push(next);
        cur = next;
      }
      back.reverse();
      // Keep the ends and the hops between actors; program-order runs add nothing.
      return back.filter(
        (e, k) =>
          k === 0 ||
          k === back.length - 1 ||
          actorOf[e] !== actorOf[back[k - 1]!] ||
          actorOf[e] !== actorOf[back[k + 1]!],
      );
    },
  };
}
