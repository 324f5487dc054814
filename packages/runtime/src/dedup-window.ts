/**
 * The ids an actor has processed recently, so a retry or redelivery is not processed twice.
 * Bounded: a ring of the last `capacity` ids plus a set for lookup (no per-add allocation
 * beyond the set entry). Each id can carry the reply the actor sent to it, so a retried
 * `ask` gets the same answer again; replies live in a small side map.
 */
export class DedupWindow<TReply = unknown> {
  readonly capacity: number;
  readonly #seen = new Set<string>();
  readonly #ring: (string | undefined)[];
  #next = 0;
  #replies: Map<string, TReply> | undefined;

  constructor(capacity: number) {
    this.capacity = Math.max(1, capacity);
    this.#ring = new Array<string | undefined>(this.capacity);
  }

  has(id: string): boolean {
    return this.#seen.has(id);
  }

  /** The cached reply for a processed id (undefined when none was sent yet). */
  reply(id: string): TReply | undefined {
    return this.#replies?.get(id);
  }

  add(id: string): void {
    this.addIfNew(id);
  }

  /**
   * Remembers `id`; false when it was already in the window. One hash lookup for a new id
   * (the hot path: every received message), where `has` then `add` would take two.
   */
  addIfNew(id: string): boolean {
    const seen = this.#seen;
    const before = seen.size;
    seen.add(id);
    if (seen.size === before) return false;
    const evicted = this.#ring[this.#next];
    if (evicted !== undefined) {
      seen.delete(evicted);
      this.#replies?.delete(evicted);
    }
    this.#ring[this.#next] = id;
    this.#next = this.#next + 1 === this.capacity ? 0 : this.#next + 1;
    return true;
  }

  /** Remembers the reply to a processed request (only while the request is in the window). */
  setReply(id: string, reply: TReply): void {
    if (this.#seen.has(id)) (this.#replies ??= new Map()).set(id, reply);
  }

  /** Forgets an id whose processing did not complete (the actor crashed mid-message). */
  delete(id: string): void {
    if (!this.#seen.delete(id)) return;
    this.#replies?.delete(id);
    const at = this.#ring.indexOf(id);
    if (at !== -1) this.#ring[at] = undefined;
  }

  get size(): number {
    return this.#seen.size;
  }

  /** Ids oldest first. */
  ids(): string[] {
    const out: string[] = [];
    for (let i = 0; i < this.capacity; i++) {
      const id = this.#ring[(this.#next + i) % this.capacity];
      // A slot holds an id of the window or nothing: evicted ids are overwritten and
      // forgotten ones cleared (`delete`).
      if (id !== undefined) out.push(id);
    }
    return out;
  }
}
