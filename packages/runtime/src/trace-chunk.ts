import { RecvRecord, SendRecord } from './trace-records.js';
import type { TraceEvent } from './trace-event.js';

/**
 * A chunk of trace events on its way to the writer: the message path's sends and receives as
 * numbers in a column buffer (strings that repeat, like actor ids and message types, interned
 * per chunk), every other event as its JSON line. Encoding a send or a receive costs a few
 * stores, where formatting its JSON line costs most of a microsecond; the writer thread
 * formats (`formatTraceChunk`).
 */
export interface TraceChunk {
  /** Records back to back: a kind (0 line, 1 send, 2 receive), then the kind's fields; a
   *  string field is its length in `text`. */
  nums: Float64Array;
  /** Numbers used in `nums`. */
  n: number;
  /** The per-event strings back to back, in record order: message ids, cause and correlation
   *  ids, lines. (One string crosses to the thread far cheaper than an array of them.) */
  text: string;
  /** Interned strings, referred to from `nums` by index. */
  table: string[];
  events: number;
}

/** Numbers one record takes at most (a receive with a correlation id). */
const MAX_RECORD = 15;
/** What a send or receive line takes, roughly: for the chunk's byte budget. */
const RECORD_BYTES = 200;

export class TraceChunkEncoder {
  readonly #capacity: number;
  #nums: Float64Array;
  #n = 0;
  #text = '';
  #table: string[] = [];
  #intern = new Map<string, number>();
  #events = 0;
  #bytes = 0;

  constructor(capacity: number) {
    this.#capacity = capacity;
    this.#nums = new Float64Array(capacity * MAX_RECORD);
  }

  get events(): number {
    return this.#events;
  }

  /** Bytes the chunk's lines will take, roughly. */
  get bytes(): number {
    return this.#bytes;
  }

  get full(): boolean {
    return this.#events >= this.#capacity;
  }

  #id(s: string): number {
    let id = this.#intern.get(s);
    if (id === undefined) {
      id = this.#table.length;
      this.#table.push(s);
      this.#intern.set(s, id);
    }
    return id;
  }

  add(event: TraceEvent): void {
    this.#events++;
    const nums = this.#nums;
    let n = this.#n;
    if (event instanceof SendRecord) {
      nums[n++] = 1;
      nums[n++] = event.attempt;
      nums[n++] = event.chanSeq;
      nums[n++] = event.seq;
      nums[n++] = event.lamport;
      nums[n++] = event.wall;
      nums[n++] = this.#id(event.mode);
      nums[n++] = this.#id(event.to);
      nums[n++] = this.#id(event.type);
      nums[n++] = this.#id(event.actor);
      nums[n++] = this.#id(event.node);
      const { causeId, corrId } = event;
      nums[n++] = (causeId !== undefined ? 1 : 0) | (corrId !== undefined ? 2 : 0);
      nums[n++] = event.msgId.length;
      this.#text += event.msgId;
      if (causeId !== undefined) {
        nums[n++] = causeId.length;
        this.#text += causeId;
      }
      if (corrId !== undefined) {
        nums[n++] = corrId.length;
        this.#text += corrId;
      }
      this.#bytes += RECORD_BYTES;
    } else if (event instanceof RecvRecord) {
      nums[n++] = 2;
      nums[n++] = event.msgLamport;
      nums[n++] = event.attempt;
      nums[n++] = event.chanSeq;
      nums[n++] = event.seq;
      nums[n++] = event.lamport;
      nums[n++] = event.wall;
      nums[n++] = this.#id(event.mode);
      nums[n++] = this.#id(event.from);
      nums[n++] = this.#id(event.type);
      nums[n++] = this.#id(event.actor);
      nums[n++] = this.#id(event.node);
      const corrId = event.corrId;
      nums[n++] =
        (event.dup ? 1 : 0) |
        (event.redelivered ? 2 : 0) |
        (event.unhandled ? 4 : 0) |
        (corrId !== undefined ? 8 : 0);
      nums[n++] = event.msgId.length;
      this.#text += event.msgId;
      if (corrId !== undefined) {
        nums[n++] = corrId.length;
        this.#text += corrId;
      }
      this.#bytes += RECORD_BYTES;
    } else {
      const line = JSON.stringify(event);
      nums[n++] = 0;
      nums[n++] = line.length;
      this.#text += line;
      this.#bytes += line.length + 1;
    }
    this.#n = n;
  }

  /** The chunk so far (undefined when empty); the encoder starts a new one. */
  take(): TraceChunk | undefined {
    if (this.#events === 0) return undefined;
    const chunk: TraceChunk = {
      nums: this.#nums,
      n: this.#n,
      text: this.#text,
      table: this.#table,
      events: this.#events,
    };
    this.#nums = new Float64Array(this.#capacity * MAX_RECORD);
    this.#n = 0;
    this.#text = '';
    this.#table = [];
    this.#intern.clear();
    this.#events = 0;
    this.#bytes = 0;
    return chunk;
  }
}

/**
 * The JSON Lines of a chunk: each send and receive rebuilt as the object it was and given to
 * `JSON.stringify`, so every line is exactly what the caller's thread would have written. Runs
 * in the writer thread, whose source is this function's text: it may use nothing from outside.
 */
export function formatTraceChunk(chunk: TraceChunk): string {
  const { nums, text, table } = chunk;
  let at = 0;
  const str = (len: number | undefined) => text.slice(at, (at += len ?? 0));
  const lines: string[] = [];
  let i = 0;
  while (i < chunk.n) {
    const kind = nums[i++];
    if (kind === 0) {
      lines.push(str(nums[i++]));
      continue;
    }
    // Keys set in trace-records.ts's order (the JSON key order); `nums` holds the numbers
    // first, so the strings are placeholders until they are read.
    const send = kind === 1;
    const e: Record<string, unknown> = { kind: send ? 'send' : 'recv', msgId: '' };
    e[send ? 'to' : 'from'] = '';
    e.type = '';
    if (!send) e.msgLamport = nums[i++];
    e.attempt = nums[i++];
    e.chanSeq = nums[i++];
    e.mode = '';
    e.actor = '';
    e.node = '';
    e.seq = nums[i++];
    e.lamport = nums[i++];
    e.wall = nums[i++];
    e.mode = table[nums[i++] ?? -1];
    e[send ? 'to' : 'from'] = table[nums[i++] ?? -1];
    e.type = table[nums[i++] ?? -1];
    e.actor = table[nums[i++] ?? -1];
    e.node = table[nums[i++] ?? -1];
    const flags = nums[i++] ?? 0;
    e.msgId = str(nums[i++]);
    if (send) {
      if (flags & 1) e.causeId = str(nums[i++]);
      if (flags & 2) e.corrId = str(nums[i++]);
    } else {
      if (flags & 1) e.dup = true;
      if (flags & 2) e.redelivered = true;
      if (flags & 4) e.unhandled = true;
      if (flags & 8) e.corrId = str(nums[i++]);
    }
    lines.push(JSON.stringify(e));
  }
  return lines.join('\n') + '\n';
}
