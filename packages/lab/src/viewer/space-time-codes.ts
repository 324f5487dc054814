/**
 * The codes shared by the space-time model (space-time-model.ts, in Node) and the page that
 * draws it (client/, in the browser): event kinds, arrow, stub and span styles, event flags.
 * No imports, so the page's bundle takes only these.
 */
/** Event kinds in the order of their codes in the model. */
export const EVENT_KINDS = [
  'send',
  'recv',
  'state',
  'llm',
  'tool',
  'task',
  'fault',
  'reject',
  'mark',
] as const;
/** Arrow styles (a send to its receive, or to the reject that dead-lettered it). */
export const ARROW_STYLES = [
  'message',
  'retry',
  'duplicate',
  'redelivered',
  'delayed',
  'dead-letter',
] as const;
/** Stub styles: transmissions that reached no one. */
export const STUB_STYLES = [
  'dropped',
  'lost',
  'in-flight',
  'superseded',
  'untraced',
  'send-failed',
] as const;
/** Shaded periods: an outage fault (partition, killed server) or an actor down. */
export const SPAN_STYLES = ['outage', 'down'] as const;

export const FLAG_DUP = 1;
export const FLAG_REDELIVERED = 2;
export const FLAG_UNHANDLED = 4;
export const FLAG_RETRY = 8;
export const FLAG_DURABLE = 16;
export const FLAG_BROADCAST = 32;
