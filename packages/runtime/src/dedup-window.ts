/**
 * The ids an actor has processed recently, so a retry or redelivery is not processed twice.
 * Bounded: the oldest id leaves when a new one arrives at capacity. Each id can carry the
 * reply the actor sent to it, so a retried `ask` gets the same answer again.
 */
export class DedupWindow<TReply = unknown> {
  readonly capacity: number;
  readonly #seen = new Map<string, TReply | null>();

  constructor(capacity: number) {
    this.capacity = capacity;
  }

  has(id: string): boolean {
    return this.#seen.has(id);
  }

  /** The cached reply for a processed id (undefined when none was sent yet). */
  reply(id: string): TReply | undefined {
    return this.#seen.get(id) ?? undefined;
  }

  add(id: string): void {
    if (this.#seen.has(id)) return;
    if (this.#seen.size >= this.capacity) {
      const oldest = this.#seen.keys().next();
      if (!oldest.done) this.#seen.delete(oldest.value);
    }
    this.#seen.set(id, null);
  }

  /** Remembers the reply to a processed request (only while the request is in the window). */
  setReply(id: string, reply: TReply): void {
    if (this.#seen.has(id)) this.#seen.set(id, reply);
  }

  /** Forgets an id whose processing did not complete (the actor crashed mid-message). */
  delete(id: string): void {
    this.#seen.delete(id);
  }

  get size(): number {
    return this.#seen.size;
  }

  ids(): string[] {
    return [...this.#seen.keys()];
  }
}
