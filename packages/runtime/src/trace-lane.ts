import type { Clock } from './clock.js';
import { LamportClock } from './lamport-clock.js';
import type { TraceDetail, TraceEvent, TracePayload, TraceSink } from './trace-event.js';

/**
 * One actor's line of events: its Lamport clock and its trace sequence. Every trace event of
 * the actor goes through `emit` (which copies the caller's payload and stamps the common
 * fields) or, on the message path, `write` (which takes an event the runtime built whole).
 */
export class TraceLane {
  readonly id: string;
  readonly node: string;
  readonly lamport: LamportClock;
  #seq = 0;
  readonly #sink: TraceSink | undefined;
  readonly #clock: Clock;

  constructor(id: string, node: string, sink: TraceSink | undefined, clock: Clock, start = 0) {
    this.id = id;
    this.node = node;
    this.#sink = sink;
    this.#clock = clock;
    this.lamport = new LamportClock(start);
  }

  /** Next trace sequence number. */
  get seq(): number {
    return this.#seq;
  }

  /** Continues a lane recorded by an earlier incarnation (never moves backwards). */
  resume(seq: number, lamport: number): void {
    if (seq > this.#seq) this.#seq = seq;
    if (lamport > this.lamport.time) this.lamport.merge(lamport - 1);
  }

  get tracing(): boolean {
    return this.#sink !== undefined;
  }

  /** Takes the next trace sequence number (for an event built by `write`'s caller). */
  nextSeq(): number {
    return this.#seq++;
  }

  now(): number {
    return this.#clock.now();
  }

  /**
   * Records an event at Lamport time `lamport` (default: a new local tick). The payload is
   * copied, so a caller may reuse it. `detail` goes to the host's telemetry only.
   */
  emit(payload: TracePayload, lamport?: number, detail?: TraceDetail): void {
    const sink = this.#sink;
    if (!sink) return;
    const event = {
      ...payload,
      actor: this.id,
      node: this.node,
      seq: this.#seq++,
      lamport: lamport ?? this.lamport.tick(),
      wall: this.#clock.now(),
    } as TraceEvent;
    if (detail === undefined) sink.write(event);
    else sink.write(event, detail);
  }

  /**
   * Records an event the runtime built whole, common fields included (`seq` from `nextSeq`):
   * the message path's sends and receives (trace-records.ts), which a spread copy of a payload
   * would cost more than everything else the runtime does per message.
   */
  write(event: TraceEvent): void {
    this.#sink?.write(event);
  }
}
