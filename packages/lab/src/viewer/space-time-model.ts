import {
  analyzeDelivery,
  createTraceIndex,
  outageOf,
  type DeliveryReport,
  type Finding,
  type TraceEvent,
  type TraceIndex,
} from '@llm-teams/runtime';
import {
  EVENT_KINDS,
  FLAG_BROADCAST,
  FLAG_DUP,
  FLAG_DURABLE,
  FLAG_REDELIVERED,
  FLAG_RETRY,
  FLAG_UNHANDLED,
} from './space-time-codes.js';
import { addMessages } from './space-time-messages.js';

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
  const { lanes, laneNodes } = orderLanes(events, index);
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
    laneNodes,
    strings: [],
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
  addColumns(model, events, index, laneOf);
  addMessages(model, index, delivery, laneOf);
  addSpans(model, index, laneOf);
  model.findings = findings.map((f) => findingOf(f, index));
  return model;
}

/**
 * Lanes grouped by node (in order of first appearance), host lanes (`@node`) last. A lane is
 * an actor on a node (an actor restored on another node has a lane there too).
 */
function orderLanes(
  events: readonly TraceEvent[],
  index: TraceIndex,
): { lanes: string[]; laneNodes: string[] } {
  const nodeOf = new Map<string, string>();
  events.forEach((e, i) => {
    const lane = index.actors[index.actorOf[i]!]!;
    if (!nodeOf.has(lane)) nodeOf.set(lane, e.node);
  });
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
  return { lanes, laneNodes: lanes.map((id) => nodeOf.get(id)!) };
}

/** Fills the per-event columns, the string table, `x` and the message types. */
function addColumns(
  model: SpaceTimeModel,
  events: readonly TraceEvent[],
  index: TraceIndex,
  laneOf: Map<string, number>,
): void {
  const stringIds = new Map<string, number>();
  const str = (s: string) => {
    let id = stringIds.get(s);
    if (id === undefined) {
      id = model.strings.length;
      model.strings.push(s);
      stringIds.set(s, id);
    }
    return id;
  };
  const types = new Set<string>();
  const kindCode = new Map<string, number>(EVENT_KINDS.map((k, c) => [k, c]));
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    const rec = e as unknown as Record<string, unknown>;
    model.k[i] = kindCode.get(e.kind) ?? 8;
    model.a[i] = laneOf.get(index.actors[index.actorOf[i]!]!)!;
    model.seq[i] = e.seq;
    model.l[i] = e.lamport;
    model.w[i] = e.wall - model.wall0;
    const label = rec[LABEL_KEY[e.kind] ?? 'name'];
    model.t[i] = str(typeof label === 'string' ? label : e.kind);
    const msgId = rec['msgId'];
    model.m[i] = typeof msgId === 'string' ? str(msgId) : -1;
    if (e.kind === 'send' || e.kind === 'recv') types.add(e.type);
    model.f[i] = flagsOf(e);
    const extra = extraFields(e);
    if (extra) model.x.push(i, extra);
  }
  model.types = [...types].sort();
}

function flagsOf(e: TraceEvent): number {
  if (e.kind !== 'send' && e.kind !== 'recv') return 0;
  let flags = 0;
  if ((e.attempt ?? 1) > 1) flags |= FLAG_RETRY;
  if (e.mode === 'at-least-once') flags |= FLAG_DURABLE;
  if (e.kind === 'send' && e.to.startsWith('#')) flags |= FLAG_BROADCAST;
  if (e.kind === 'recv') {
    if (e.dup) flags |= FLAG_DUP;
    if (e.redelivered) flags |= FLAG_REDELIVERED;
    if (e.unhandled) flags |= FLAG_UNHANDLED;
  }
  return flags;
}

/** The fields of `e` that have no column of their own, or undefined when there are none. */
function extraFields(e: TraceEvent): Record<string, unknown> | undefined {
  const rec = e as unknown as Record<string, unknown>;
  const skip = IN_COLUMNS[e.kind];
  const extra: Record<string, unknown> = {};
  let any = false;
  for (const key of Object.keys(rec)) {
    if (COMMON.has(key) || skip?.has(key)) continue;
    extra[key] = rec[key];
    any = true;
  }
  return any ? extra : undefined;
}

function findingOf(f: Finding, index: TraceIndex): SpaceTimeModel['findings'][number] {
  const resolve = (refs: readonly { actor: string; seq: number }[] | undefined) =>
    (refs ?? []).map((r) => index.find(r)).filter((i): i is number => i !== undefined);
  return {
    checker: f.checker,
    severity: f.severity,
    verdict: f.verdict,
    ev: resolve(f.events),
    chain: resolve(f.chain),
    ...(f.noChain ? { noChain: f.noChain } : {}),
  };
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
  for (const [a, lane] of index.lanes.entries()) {
    const here = laneOf.get(index.actors[a]!)!;
    let down = -1;
    for (const i of lane) {
      const e = events[i]!;
      if (e.kind !== 'mark') continue;
      if (e.name === 'actor.crashed' && down < 0) down = i;
      else if (e.name === 'actor.failed') {
        model.spans.push(here, down >= 0 ? down : i, -1, 1);
        down = -2;
        break;
      } else if ((e.name === 'actor.restarted' || e.name === 'actor.restored') && down >= 0) {
        model.spans.push(here, down, i, 1);
        down = -1;
      }
    }
    if (down >= 0) model.spans.push(here, down, -1, 1);
  }
}
