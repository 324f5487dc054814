import {
  analyzeDelivery,
  createTraceIndex,
  messageFaultOf,
  outageOf,
  type DeliveryOutcome,
  type DeliveryReport,
  type Finding,
  type TraceEvent,
  type TraceIndex,
} from '@llm-teams/runtime';

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

/**
 * What the page draws, computed once: columns per event (in trace order), a string table,
 * and the message arrows, stubs and shaded spans as flat number triples / quadruples.
 */
export interface SpaceTimeModel {
  v: 1;
  title: string;
  axis: 'lamport' | 'wall';
  wall0: number;
  lanes: string[];
  laneNodes: string[];
  strings: string[];
  /** Kind code (index into EVENT_KINDS). */
  k: number[];
  /** Lane. */
  a: number[];
  seq: number[];
  l: number[];
  /** Wall clock minus `wall0`. */
  w: number[];
  /** Label string: message type, new state, tool name, task id, fault, reject reason, mark. */
  t: number[];
  /** msgId string, or -1. */
  m: number[];
  /** FLAG_* bits. */
  f: number[];
  /** Other fields of events that have any, flat: event index, then an object of them. */
  x: (number | Record<string, unknown>)[];
  /** [send, recv-or-reject, style] per arrow. */
  arrows: number[];
  /** [send, target lane or -1, style] per undelivered transmission. */
  stubs: number[];
  /** [lane, first event, last event or -1 for the end, style] per shaded period. */
  spans: number[];
  types: string[];
  findings: {
    checker: string;
    severity: string;
    verdict: string;
    ev: number[];
    chain: number[];
    noChain?: string;
  }[];
}

export interface SpaceTimeModelOptions {
  /** Page title. Default `llm-teams space-time diagram`. */
  title?: string;
  /** Initial time axis. Default `lamport`. */
  axis?: 'lamport' | 'wall';
  /** The index and delivery report already computed for these events (saves a pass). */
  analysis?: { index: TraceIndex; delivery: DeliveryReport };
}

const COMMON = new Set(['kind', 'actor', 'node', 'seq', 'lamport', 'wall']);
const LABEL_KEY: Record<string, string> = {
  send: 'type',
  recv: 'type',
  state: 'to',
  llm: 'model',
  tool: 'name',
  task: 'taskId',
  fault: 'fault',
  reject: 'reason',
  late: 'type',
  mark: 'name',
};
const IN_COLUMNS: Record<string, Set<string>> = {
  send: new Set(['msgId', 'type', 'attempt', 'mode']),
  recv: new Set(['msgId', 'type', 'attempt', 'mode', 'dup', 'redelivered', 'unhandled']),
};

export function buildSpaceTimeModel(
  events: readonly TraceEvent[],
  findings: readonly Finding[],
  options: SpaceTimeModelOptions = {},
): SpaceTimeModel {
  const index = options.analysis?.index ?? createTraceIndex(events);
  const delivery = options.analysis?.delivery ?? analyzeDelivery(index);
  const strings: string[] = [];
  const stringIds = new Map<string, number>();
  const str = (s: string) => {
    let id = stringIds.get(s);
    if (id === undefined) {
      id = strings.length;
      strings.push(s);
      stringIds.set(s, id);
    }
    return id;
  };

  // Lanes grouped by node (in order of first appearance), host lanes (`@node`) last.
  const nodeOf = new Map<string, string>();
  for (const e of events) if (!nodeOf.has(e.actor)) nodeOf.set(e.actor, e.node);
  const nodes = [...new Set(nodeOf.values())];
  const lanes = [...index.actors].sort((x, y) => {
    const nx = nodes.indexOf(nodeOf.get(x)!);
    const ny = nodes.indexOf(nodeOf.get(y)!);
    if (nx !== ny) return nx - ny;
    const hx = x.startsWith('@') ? 1 : 0;
    const hy = y.startsWith('@') ? 1 : 0;
    if (hx !== hy) return hx - hy;
    return index.actorNumber(x)! - index.actorNumber(y)!;
  });
  const laneOf = new Map(lanes.map((id, k) => [id, k]));

  const n = events.length;
  let wall0 = n > 0 ? events[0]!.wall : 0;
  for (const e of events) if (e.wall < wall0) wall0 = e.wall;
  const model: SpaceTimeModel = {
    v: 1,
    title: options.title ?? 'llm-teams space-time diagram',
    axis: options.axis ?? 'lamport',
    wall0,
    lanes,
    laneNodes: lanes.map((id) => nodeOf.get(id)!),
    strings,
    k: new Array<number>(n),
    a: new Array<number>(n),
    seq: new Array<number>(n),
    l: new Array<number>(n),
    w: new Array<number>(n),
    t: new Array<number>(n),
    m: new Array<number>(n),
    f: new Array<number>(n),
    x: [],
    arrows: [],
    stubs: [],
    spans: [],
    types: [],
    findings: [],
  };
  const types = new Set<string>();
  const kindCode = new Map<string, number>(EVENT_KINDS.map((k, c) => [k, c]));
  for (let i = 0; i < n; i++) {
    const e = events[i]!;
    const rec = e as unknown as Record<string, unknown>;
    model.k[i] = kindCode.get(e.kind) ?? 8;
    model.a[i] = laneOf.get(e.actor)!;
    model.seq[i] = e.seq;
    model.l[i] = e.lamport;
    model.w[i] = e.wall - wall0;
    const label = rec[LABEL_KEY[e.kind] ?? 'name'];
    model.t[i] = str(typeof label === 'string' ? label : e.kind);
    const msgId = rec['msgId'];
    model.m[i] = typeof msgId === 'string' ? str(msgId) : -1;
    let flags = 0;
    if (e.kind === 'send' || e.kind === 'recv') {
      types.add(e.type);
      if (e.attempt > 1) flags |= FLAG_RETRY;
      if (e.mode === 'at-least-once') flags |= FLAG_DURABLE;
      if (e.kind === 'send' && e.to.startsWith('#')) flags |= FLAG_BROADCAST;
      if (e.kind === 'recv') {
        if (e.dup) flags |= FLAG_DUP;
        if (e.redelivered) flags |= FLAG_REDELIVERED;
        if (e.unhandled) flags |= FLAG_UNHANDLED;
      }
    }
    model.f[i] = flags;
    const skip = IN_COLUMNS[e.kind];
    const extra: Record<string, unknown> = {};
    let any = false;
    for (const key of Object.keys(rec)) {
      if (COMMON.has(key) || skip?.has(key)) continue;
      extra[key] = rec[key];
      any = true;
    }
    if (any) model.x.push(i, extra);
  }
  model.types = [...types].sort();
  addMessages(model, index, delivery, laneOf);
  addSpans(model, index, laneOf);
  for (const f of findings) {
    const resolve = (refs: readonly { actor: string; seq: number }[] | undefined) =>
      (refs ?? []).map((r) => index.find(r)).filter((i): i is number => i !== undefined);
    model.findings.push({
      checker: f.checker,
      severity: f.severity,
      verdict: f.verdict,
      ev: resolve(f.events),
      chain: resolve(f.chain),
      ...(f.noChain ? { noChain: f.noChain } : {}),
    });
  }
  return model;
}

const STUB_OF: Partial<Record<DeliveryOutcome, number>> = {
  dropped: 0,
  lost: 1,
  'in-flight': 2,
  untraced: 4,
  'send-failed': 5,
};

function addMessages(
  model: SpaceTimeModel,
  index: TraceIndex,
  delivery: DeliveryReport,
  laneOf: Map<string, number>,
): void {
  const { events } = index;
  const style = (name: (typeof ARROW_STYLES)[number]) => ARROW_STYLES.indexOf(name);
  const delayed = new Set<string>();
  for (const e of events) {
    const f = messageFaultOf(e);
    if (f && f.action === 'delay') delayed.add(`${f.msgId}\u0000${e.actor}`);
  }
  for (let r = 0; r < events.length; r++) {
    const recv = index.recv(r);
    const s = index.sendOf[r]!;
    if (!recv || s < 0) continue;
    const sender = events[s]!.actor;
    const st = recv.dup
      ? style('duplicate')
      : recv.redelivered
        ? style('redelivered')
        : delayed.has(`${recv.msgId}\u0000${recv.actor}`) ||
            delayed.has(`${recv.msgId}\u0000${sender}`)
          ? style('delayed')
          : recv.attempt > 1
            ? style('retry')
            : style('message');
    model.arrows.push(s, r, st);
  }
  const outcomes = new Map<string, DeliveryOutcome>();
  for (const d of delivery.messages) {
    if (d.topic) {
      // Broadcast members judged undelivered get a stub toward their lane.
      const st = STUB_OF[d.outcome];
      if (st !== undefined) model.stubs.push(d.sends[0]!, laneOf.get(d.to) ?? -1, st);
      else if (d.outcome === 'dead-lettered' || d.outcome === 'late')
        model.arrows.push(d.sends[0]!, d.evidence[0]!, style('dead-letter'));
      continue;
    }
    outcomes.set(d.msgId, d.outcome);
  }
  // Direct transmissions that no receive matched, one by one, so that a dropped first attempt
  // shows even when its retry got through.
  const usedRejects = new Set<number>();
  const usedDrops = new Set<number>();
  for (let s = 0; s < events.length; s++) {
    const send = index.send(s);
    if (!send || send.to.startsWith('#') || index.recvsOfSend(s).length > 0) continue;
    const related = index.eventsWithMsg(send.msgId);
    const sends = index.sendsOf(send.msgId);
    const nextSend = sends.find((x) => x > s && events[x]!.actor === send.actor);
    const drop = related.find((i) => {
      if (usedDrops.has(i)) return false;
      const f = messageFaultOf(events[i]!);
      if (!f || f.action !== 'drop') return false;
      const e = events[i]!;
      if (f.side === 'send') {
        return e.actor === send.actor && i > s && (nextSend === undefined || i < nextSend);
      }
      return e.actor === send.to;
    });
    const target = laneOf.get(send.to) ?? -1;
    if (drop !== undefined) {
      usedDrops.add(drop);
      model.stubs.push(s, target, 0);
      continue;
    }
    // A dead letter, or a late arrival at an actor that had stopped: the message's end.
    const reject = related.find(
      (i) =>
        !usedRejects.has(i) &&
        (events[i]!.kind === 'reject' || events[i]!.kind === 'late') &&
        (events[i]!.actor === send.to || events[i]!.actor.startsWith('@')),
    );
    if (reject !== undefined) {
      usedRejects.add(reject);
      model.arrows.push(s, reject, style('dead-letter'));
      continue;
    }
    const outcome = outcomes.get(send.msgId);
    const st =
      outcome === 'delivered' || outcome === 'dead-lettered' || outcome === 'late'
        ? 3
        : STUB_OF[outcome ?? 'lost'];
    model.stubs.push(s, target, st ?? 1);
  }
}

function addSpans(model: SpaceTimeModel, index: TraceIndex, laneOf: Map<string, number>): void {
  const { events } = index;
  const lanesFor = (i: number): number[] => {
    const e = events[i] as unknown as Record<string, unknown>;
    const actor = events[i]!.actor;
    const pick = (key: string) =>
      Array.isArray(e[key]) ? (e[key] as unknown[]).filter((v) => typeof v === 'string') : [];
    const actors = pick('actors');
    if (actors.length > 0) return actors.map((a) => laneOf.get(a)).filter((k) => k !== undefined);
    const nodes = pick('nodes');
    if (typeof e['target'] === 'string') nodes.push(e['target']);
    const onNodes = model.lanes.map((_, k) => k).filter((k) => nodes.includes(model.laneNodes[k]!));
    if (onNodes.length > 0) return onNodes;
    if (!actor.startsWith('@')) return [laneOf.get(actor)!];
    return model.lanes.map((_, k) => k);
  };
  const open: number[] = [];
  for (let i = 0; i < events.length; i++) {
    const o = outageOf(events[i]!);
    if (o === 'start') open.push(i);
    else if (o === 'end' && open.length > 0) {
      const start = open.shift()!;
      for (const lane of lanesFor(start)) model.spans.push(lane, start, i, 0);
    }
  }
  for (const start of open)
    for (const lane of lanesFor(start)) model.spans.push(lane, start, -1, 0);
  // An actor is down from its crash to its restart, or for good once it failed.
  for (const lane of index.lanes) {
    let down = -1;
    for (const i of lane) {
      const e = events[i]!;
      if (e.kind !== 'mark') continue;
      if (e.name === 'actor.crashed' && down < 0) down = i;
      else if (e.name === 'actor.failed') {
        model.spans.push(laneOf.get(e.actor)!, down >= 0 ? down : i, -1, 1);
        down = -2;
        break;
      } else if ((e.name === 'actor.restarted' || e.name === 'actor.restored') && down >= 0) {
        model.spans.push(laneOf.get(e.actor)!, down, i, 1);
        down = -1;
      }
    }
    if (down >= 0) model.spans.push(laneOf.get(events[down]!.actor)!, down, -1, 1);
  }
}
