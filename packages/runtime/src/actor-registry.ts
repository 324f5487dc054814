import type { Subscription } from '@llm-teams/broker';
import type { ActorCell, ActorClocks } from './actor-cell.js';

/** How many stopped actors' clocks a host remembers (the oldest are forgotten first). */
export const RETIRED_CLOCKS_MAX = 4096;

/**
 * The actors a host runs: by id and by inbox subject, their topics, and the per-actor inbox
 * subscriptions of a host that may only read its own actors' inboxes. Lookups only; the host
 * decides when actors come and go.
 */
export class ActorRegistry {
  readonly #cells = new Map<string, ActorCell>();
  readonly #bySubject = new Map<string, ActorCell>();
  readonly #topics = new Map<string, Set<ActorCell>>();
  readonly #subs = new Map<string, Subscription>();
  readonly #retired = new Map<string, ActorClocks>();

  get size(): number {
    return this.#cells.size;
  }

  has(id: string): boolean {
    return this.#cells.has(id);
  }

  cell(id: string): ActorCell | undefined {
    return this.#cells.get(id);
  }

  /** The actor whose core inbox is `subject`. */
  atInbox(subject: string): ActorCell | undefined {
    return this.#bySubject.get(subject);
  }

  ids(): string[] {
    return [...this.#cells.keys()];
  }

  cells(): IterableIterator<ActorCell> {
    return this.#cells.values();
  }

  add(cell: ActorCell): void {
    this.#cells.set(cell.id, cell);
    this.#bySubject.set(cell.subject, cell);
  }

  setSubscription(id: string, sub: Subscription): void {
    this.#subs.set(id, sub);
  }

  subscriptions(): IterableIterator<Subscription> {
    return this.#subs.values();
  }

  /** Forgets an actor: its inbox, its topics, its own subscription (unsubscribed). */
  remove(id: string): ActorCell | undefined {
    const cell = this.#cells.get(id);
    this.#cells.delete(id);
    this.#subs.get(id)?.unsubscribe();
    this.#subs.delete(id);
    if (!cell) return undefined;
    this.#bySubject.delete(cell.subject);
    for (const members of this.#topics.values()) members.delete(cell);
    return cell;
  }

  /** Adds `cell` to `topic`; true when it is the topic's first member on this host. */
  join(topic: string, cell: ActorCell): boolean {
    let members = this.#topics.get(topic);
    const first = members === undefined;
    if (!members) this.#topics.set(topic, (members = new Set()));
    members.add(cell);
    return first;
  }

  leave(topic: string, cell: ActorCell): void {
    this.#topics.get(topic)?.delete(cell);
  }

  /** The topic's members on this host (empty when none). */
  members(topic: string): ReadonlySet<ActorCell> {
    return this.#topics.get(topic) ?? EMPTY;
  }

  /**
   * Keeps a stopped actor's clocks, so the next actor spawned under its id continues its
   * Lamport time, trace lane and channels: its checkpoint (if any) predates what it sent since,
   * and a lane or clock that goes backwards breaks the trace's rules. Bounded: the oldest
   * retired ids are forgotten past RETIRED_CLOCKS_MAX.
   */
  retire(cell: Pick<ActorCell, 'id' | 'clocks'>): void {
    this.#retired.delete(cell.id);
    this.#retired.set(cell.id, cell.clocks());
    if (this.#retired.size > RETIRED_CLOCKS_MAX) {
      const oldest = this.#retired.keys().next().value;
      if (oldest !== undefined) this.#retired.delete(oldest);
    }
  }

  /** The clocks of the last stopped actor with this id, if remembered. */
  retired(id: string): ActorClocks | undefined {
    return this.#retired.get(id);
  }

  clear(): void {
    for (const sub of this.#subs.values()) sub.unsubscribe();
    this.#subs.clear();
    this.#cells.clear();
    this.#bySubject.clear();
    this.#topics.clear();
  }
}

const EMPTY: ReadonlySet<ActorCell> = new Set();
