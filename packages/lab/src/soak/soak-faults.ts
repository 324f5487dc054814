/**
 * Faults injected against faults traced, for the chaos soak. The injected side is counted
 * where faults are decided, not read from the trace: every message decision the fault
 * injector makes (a counting wrapper around it) and every fault the controller fired or
 * healed. The traced side is the run's trace. A fault counted but missing from the trace is a
 * fault a user could not see, so the soak reports it.
 */
import type {
  DeliveryMode,
  Envelope,
  FaultInjector,
  InterceptDecision,
  MessageInterceptor,
  TraceEvent,
} from '@llm-teams/runtime';
import type { ControlledFault } from '../faults/fault-controller.js';

/** Message decisions of the injector, per fault id. */
export interface MessageFaultLedger {
  readonly interceptor: MessageInterceptor;
  /** Decisions that hit a message (anything but deliver), by fault id. */
  readonly hits: ReadonlyMap<string, number>;
}

/** Wraps the injector so each decision that hits a message is counted by its fault id. */
export function countMessageFaults(injector: FaultInjector): MessageFaultLedger {
  const hits = new Map<string, number>();
  const count = (id: unknown) => {
    const key = typeof id === 'string' ? id : '?';
    hits.set(key, (hits.get(key) ?? 0) + 1);
  };
  const seen = (d: InterceptDecision | undefined) => {
    if (d && d.action !== 'deliver') count(d['faultId'] ?? d.fault);
    return d;
  };
  const interceptor: MessageInterceptor = {
    outbound: (env: Envelope, mode: DeliveryMode) => seen(injector.outbound?.(env, mode)),
    inbound: (env: Envelope, actor: string, mode: DeliveryMode) =>
      seen(injector.inbound?.(env, actor, mode)),
    beforeAck: (env: Envelope, actor: string) => {
      const verdict = injector.beforeAck?.(env, actor) ?? true;
      if (verdict !== true) count(typeof verdict === 'object' ? verdict.faultId : undefined);
      return verdict;
    },
  };
  return { interceptor, hits };
}

export interface FaultAccount {
  /** Faults the controller fired and healed during the run, plus messages the injector hit. */
  injected: number;
  /** Of those, the ones the trace shows. */
  traced: number;
  /** What is missing from the trace, one line each. */
  missing: string[];
}

const isFault = (e: TraceEvent): e is Extract<TraceEvent, { kind: 'fault' }> => e.kind === 'fault';

/**
 * Compares what was injected with the trace: each fired fault has a start event (`phase`
 * `start` or `on`) with its `faultId`, each fault healed during the run an end event (`end` or
 * `off`), and each message hit a `fault` event with its `msgId` and `faultId`.
 */
export function accountFaults(
  events: readonly TraceEvent[],
  faults: readonly ControlledFault[],
  hits: ReadonlyMap<string, number>,
): FaultAccount {
  const starts = new Set<string>();
  const ends = new Set<string>();
  const perMessage = new Map<string, number>();
  for (const e of events) {
    if (!isFault(e)) continue;
    const id = e['faultId'];
    if (typeof id !== 'string') continue;
    if (e['msgId'] !== undefined) perMessage.set(id, (perMessage.get(id) ?? 0) + 1);
    else if (e['phase'] === 'start' || e['phase'] === 'on' || e['phase'] === 'skipped') {
      starts.add(id);
    } else if (e['phase'] === 'end' || e['phase'] === 'off') ends.add(id);
  }
  let injected = 0;
  let traced = 0;
  const missing: string[] = [];
  for (const f of faults) {
    if (f.state === 'armed') continue; // its trigger never fired: nothing was injected
    injected++;
    if (starts.has(f.id)) traced++;
    else missing.push(`${f.id} (${f.kind}) fired, but no fault event marks its start`);
    if (f.state !== 'healed') continue;
    injected++;
    if (ends.has(f.id)) traced++;
    else missing.push(`${f.id} (${f.kind}) healed, but no fault event marks its end`);
  }
  for (const [id, n] of hits) {
    const seen = perMessage.get(id) ?? 0;
    injected += n;
    traced += Math.min(n, seen);
    if (seen < n) missing.push(`${id}: ${n} messages hit, ${seen} traced`);
  }
  return { injected, traced, missing };
}
