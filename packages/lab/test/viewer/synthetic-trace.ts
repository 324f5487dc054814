import {
  createRandom,
  createTraceBuilder,
  type BuiltMessage,
  type TraceEvent,
} from '@llm-teams/runtime';

export interface SyntheticTraceOptions {
  events: number;
  actors?: number;
  seed?: number;
}

/**
 * A busy, seeded run of about `events` events for viewer tests: direct and broadcast
 * messages received in channel order, retries after injected drops, duplicated copies,
 * JetStream redeliveries after crashes, dead letters, a partition, state changes, model
 * calls, task events and workspace writes.
 */
export function syntheticTrace(options: SyntheticTraceOptions): TraceEvent[] {
  const rnd = createRandom(options.seed ?? 1);
  const t = createTraceBuilder({ wallStep: 3 });
  const actors = Array.from({ length: options.actors ?? 12 }, (_, k) => `agent-${k}`);
  const queues = new Map<string, BuiltMessage[]>(actors.map((a) => [a, []]));
  const pick = <T>(list: T[]) => list[rnd.int(list.length)]!;
  const states = ['idle', 'thinking', 'acting', 'waiting'];
  const state = new Map(actors.map((a) => [a, 'idle']));
  for (const a of actors) t.state(a, '', 'idle', 'xstate.init');
  let partitioned = false;
  let task = 0;
  let rev = 0;
  while (t.events.length < options.events) {
    const a = pick(actors);
    const roll = rnd.next();
    const inbox = queues.get(a)!;
    if (roll < 0.45 && inbox.length > 0) {
      const m = inbox.shift()!;
      t.recv(a, m, m.mode === 'at-least-once' && rnd.next() < 0.05 ? { redelivered: true } : {});
      if (rnd.next() < 0.04) t.recv(a, m); // a duplicated copy
    } else if (roll < 0.62) {
      const to = pick(actors.filter((x) => x !== a));
      const durable = rnd.next() < 0.2;
      const m = t.send(a, to, pick(['hop', 'task.assign', 'task.done', 'note']), {
        mode: durable ? 'at-least-once' : 'at-most-once',
      });
      if (rnd.next() < 0.03) {
        t.fault(a, 'drop', { msgId: m.msgId, side: 'send' });
        queues.get(to)!.push(t.retry(m));
      } else queues.get(to)!.push(m);
    } else if (roll < 0.63) {
      const m = t.send(a, '#team', 'news');
      for (const member of actors) if (member !== a) queues.get(member)!.push(m);
    } else if (roll < 0.75) {
      const next = pick(states.filter((s) => s !== state.get(a)));
      t.state(a, state.get(a)!, next, 'step');
      state.set(a, next);
    } else if (roll < 0.85) {
      t.emit(a, {
        kind: 'llm',
        model: 'sim:test',
        inputTokens: 500,
        outputTokens: 200,
        latencyMs: 900,
        attempt: 1,
        outcome: 'ok',
      });
    } else if (roll < 0.92) {
      const id = `t${task++}`;
      t.task(a, id, 'start');
      t.tool(a, 'write_file', { path: `src/${id}.ts`, baseRev: 0, rev: ++rev, taskId: id });
      t.task(a, id, 'done');
    } else if (roll < 0.93) {
      t.mark(a, 'actor.crashed', { error: 'synthetic' });
      t.mark(a, 'actor.restarted', { restarts: 1 });
    } else if (roll < 0.935) {
      t.fault('@n1', partitioned ? 'partition.heal' : 'partition', { nodes: ['n1'] });
      partitioned = !partitioned;
    } else if (roll < 0.94) {
      const to = pick(actors.filter((x) => x !== a));
      const m = t.send(a, to, 'late');
      t.reject(to, `actor ${to} is restarting`, m);
    } else t.mark(a, 'note', { k: t.events.length });
  }
  return t.events;
}
