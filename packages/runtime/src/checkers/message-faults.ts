import type { TraceEvent } from '../trace-event.js';

export type MessageFaultAction = 'drop' | 'delay' | 'duplicate';

/** An injected fault that hit one message: what was done to it, and on which side. */
export interface MessageFault {
  msgId: string;
  action: MessageFaultAction;
  /** `send`: on the sender's lane, to the transmission just sent; `recv`: on the receiver's
   *  lane, to an incoming copy before deduplication. */
  side: 'send' | 'recv';
}

/**
 * Reads a `fault` event as a message fault. The host traces an interceptor's decision without
 * its `action` field but with the decision's details: a delay carries `ms`, a duplication
 * `copies`, and a drop neither. Faults without a msgId and side (an `ack.lost`, a partition)
 * are not message faults.
 */
export function messageFaultOf(e: TraceEvent): MessageFault | undefined {
  if (e.kind !== 'fault') return undefined;
  const msgId = e['msgId'];
  const side = e['side'];
  if (typeof msgId !== 'string' || (side !== 'send' && side !== 'recv')) return undefined;
  const explicit = e['action'];
  let action: MessageFaultAction;
  if (explicit === 'drop' || explicit === 'delay' || explicit === 'duplicate') action = explicit;
  else if (typeof e['copies'] === 'number') action = 'duplicate';
  else if (typeof e['ms'] === 'number') action = 'delay';
  else action = 'drop';
  return { msgId, action, side };
}

const OUTAGE = /partition|kill|disconnect|isolat|crash|stop|pause/i;
const HEAL = /heal|restor|resum|reconnect|restart|end|clear|lift/i;

/**
 * Whether a fault event starts or ends an outage (a partition, a killed server, ...) rather
 * than hitting one message. Names follow the fault injector: an outage is named for what it
 * does (`partition`, `server.kill`), its end for the repair (`partition.heal`, `server.restart`).
 */
export function outageOf(e: TraceEvent): 'start' | 'end' | undefined {
  if (e.kind !== 'fault' || messageFaultOf(e)) return undefined;
  const phase = e['phase'];
  if (phase === 'end' || phase === 'heal' || phase === 'clear') return 'end';
  if (phase === 'start' || phase === 'begin') return 'start';
  if (HEAL.test(e.fault)) return 'end';
  if (OUTAGE.test(e.fault)) return 'start';
  return undefined;
}
