import {
  createTraceIndex,
  deriveVectorClocks,
  type TraceEvent,
  type TraceIndex,
  type VectorClocks,
} from '@llm-teams/runtime';
import { describeEvent } from '../analysis/explain.js';

/** The parser ShiViz applies to each entry: a line of text, then `host {"host": n, ...}`. */
export const SHIVIZ_REGEX = String.raw`(?<event>.*)\n(?<host>\S*) (?<clock>{.*})`;

export interface ShiVizLogOptions {
  /** Start with the two header lines ShiViz reads from an uploaded file: the parser regex
   *  and the (empty) multiple-executions delimiter. Default true. */
  header?: boolean;
  /** Clocks already derived for these events (e.g. with workspace edges). */
  index?: TraceIndex;
  clocks?: VectorClocks;
}

const hostName = (actor: string) => actor.replace(/\s+/g, '_') || '_';

/**
 * The trace in ShiViz's log format: each event as its description on one line and, on the
 * next, its host and vector clock as JSON. A host's own component counts its events from 1,
 * as ShiViz requires, and events come in an order consistent with happens-before.
 */
export function toShiVizLog(events: readonly TraceEvent[], options: ShiVizLogOptions = {}): string {
  const index = options.index ?? createTraceIndex(events);
  const clocks = options.clocks ?? deriveVectorClocks(index);
  const hosts = index.actors.map(hostName);
  const out: string[] = [];
  if (options.header ?? true) out.push(SHIVIZ_REGEX, '');
  for (const i of clocks.order) {
    const e = events[i]!;
    const vc = clocks.clock(i);
    const parts: string[] = [];
    for (let k = 0; k < vc.length; k++) {
      if (vc[k]! > 0) parts.push(`${JSON.stringify(hosts[k])}: ${vc[k]}`);
    }
    const text = `${describeEvent(e)} [${e.actor}#${e.seq} L${e.lamport}]`.replace(/[\r\n]+/g, ' ');
    out.push(text, `${hosts[index.actorOf[i]!]} {${parts.join(', ')}}`);
  }
  return out.join('\n') + '\n';
}
