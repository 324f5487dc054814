/**
 * A Lamport clock: tick before each send and local event; on receipt take
 * `max(local, received) + 1`. With ties broken by actor id the timestamps order all events
 * of a run totally, consistently with happens-before.
 */
export class LamportClock {
  #time: number;

  constructor(start = 0) {
    this.#time = start;
  }

  get time(): number {
    return this.#time;
  }

  tick(): number {
    return ++this.#time;
  }

  /** Merges a received timestamp; returns the receive event's time. */
  merge(received: number): number {
    this.#time = (received > this.#time ? received : this.#time) + 1;
    return this.#time;
  }
}

export interface LamportStamp {
  lamport: number;
  actor: string;
}

/** The total order: by Lamport time, ties broken by actor id. */
export function compareLamport(a: LamportStamp, b: LamportStamp): number {
  if (a.lamport !== b.lamport) return a.lamport - b.lamport;
  return a.actor < b.actor ? -1 : a.actor > b.actor ? 1 : 0;
}
