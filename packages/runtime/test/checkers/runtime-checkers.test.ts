import { describe, expect, it } from 'vitest';
import {
  analyzeDelivery,
  checkDelivery,
  checkDuplicates,
  checkFifo,
  checkLamport,
  createTraceBuilder,
  createTraceIndex,
  runRuntimeCheckers,
  type TraceEvent,
} from '@llm-teams/runtime';
import { cleanRun } from './scenarios.js';

describe('runtime checkers on a clean run', () => {
  it('report nothing, though the run retried, deduplicated, redelivered and broadcast', () => {
    const t = cleanRun();
    const result = runRuntimeCheckers(t.events);
    expect(result.findings).toEqual([]);
    expect(result.clocks.brokenEdges).toEqual([]);
  });

  it('account for every message', () => {
    const { counts, messages } = analyzeDelivery(createTraceIndex(cleanRun().events));
    expect(counts).toMatchObject({
      'dead-lettered': 0,
      late: 1,
      dropped: 0,
      'in-flight': 1,
      lost: 0,
    });
    // The dropped first attempt of the ask was made good by its retry.
    expect(messages.find((m) => m.type === 'q.ask')?.outcome).toBe('delivered');
    expect(messages.filter((m) => m.topic === '#team')).toHaveLength(6);
    expect(messages.find((m) => m.type === 'bye')?.outcome).toBe('in-flight');
    expect(counts.retries).toBe(3);
  });
});

describe('Lamport checker', () => {
  it('finds a clock that goes backwards, a receive not after its envelope, and a forged receive', () => {
    const t = createTraceBuilder();
    const m = t.send('a', 'b', 'hop');
    const r = t.recv('b', m);
    t.state('a', 'x', 'y');
    const events: TraceEvent[] = t.events.map((e) => ({ ...e }));
    // a's state event goes back in time; b's receive claims Lamport 1 for an envelope at 1.
    events[2] = { ...events[2]!, lamport: 1 };
    events[1] = { ...events[1]!, lamport: r.msgLamport };
    events.push({
      ...events[1],
      seq: 1,
      lamport: 5,
      msgId: 'forged',
    } as TraceEvent);
    const findings = checkLamport(createTraceIndex(events));
    const rules = findings.map((f) => f.details['rule']);
    expect(rules).toEqual(['lamport-increasing', 'recv-after-envelope', 'recv-has-send']);
    expect(findings[0]!.verdict).toMatch(/a's Lamport time does not increase: 1 at seq 0, then 1/);
    expect(findings[2]!.noChain).toMatch(/no send of forged/);
  });

  it('finds a seq that restarts and an envelope Lamport that does not match its send', () => {
    const t = createTraceBuilder();
    const m = t.send('a', 'b', 'hop');
    t.recv('b', m);
    t.state('b', 'x', 'y');
    const events = t.events.map((e) => ({ ...e })) as TraceEvent[];
    events[2] = { ...events[2]!, seq: 0 };
    (events[1] as { msgLamport: number }).msgLamport = 0;
    const rules = checkLamport(createTraceIndex(events)).map((f) => f.details['rule']);
    expect(rules).toContain('seq-increasing');
    expect(rules).toContain('recv-matches-send');
  });

  it('ignores receives from actors outside the trace', () => {
    const t = createTraceBuilder();
    t.recv('b', {
      msgId: 'ext',
      from: 'outside',
      to: 'b',
      type: 'hi',
      attempt: 1,
      chanSeq: 1,
      lamport: 4,
      mode: 'at-most-once',
    });
    expect(checkLamport(createTraceIndex(t.events))).toEqual([]);
  });
});

describe('FIFO checker', () => {
  it('finds a reordering no fault explains, with the causal chain of the two messages', () => {
    const t = createTraceBuilder();
    const m1 = t.send('a', 'b', 'hop');
    const m2 = t.send('a', 'b', 'hop');
    t.recv('b', m2);
    t.recv('b', m1);
    const [f, ...rest] = checkFifo(createTraceIndex(t.events));
    expect(rest).toEqual([]);
    expect(f!.severity).toBe('error');
    expect(f!.verdict).toBe(
      'b processed hop m1 (seq 1) from a after hop m2 (seq 2), which was sent later on the same at-most-once channel',
    );
    expect(f!.chain).toEqual([
      { actor: 'a', seq: 0 },
      { actor: 'a', seq: 1 },
      { actor: 'b', seq: 0 },
      { actor: 'b', seq: 1 },
    ]);
  });

  it('calls a reordering caused by an injected delay a warning', () => {
    const t = createTraceBuilder();
    const m1 = t.send('a', 'b', 'hop');
    t.fault('a', 'delay', { msgId: m1.msgId, side: 'send', ms: 100 });
    const m2 = t.send('a', 'b', 'hop');
    t.recv('b', m2);
    t.recv('b', m1);
    const findings = checkFifo(createTraceIndex(t.events));
    expect(findings.map((f) => f.severity)).toEqual(['warning']);
    expect(findings[0]!.verdict).toMatch(/injected delay fault held it back/);
  });

  it('calls a reordering caused by a lost at-least-once publish a warning: the publish was retried, a delay', () => {
    const t = createTraceBuilder();
    const m1 = t.send('a', 'b', 'done', { mode: 'at-least-once' });
    t.fault('a', 'drop', { msgId: m1.msgId, side: 'send' });
    const m2 = t.send('a', 'b', 'done', { mode: 'at-least-once' });
    t.recv('b', m2);
    t.recv('b', m1);
    const findings = checkFifo(createTraceIndex(t.events));
    expect(findings.map((f) => f.severity)).toEqual(['warning']);
    expect(findings[0]!.verdict).toMatch(
      /injected drop fault held it back \(a lost publish, retried\)$/,
    );
    // A drop of an at-most-once message is a loss, not a delay: a reordering is still an error.
    const u = createTraceBuilder();
    const n1 = u.send('a', 'b', 'hop');
    u.fault('a', 'drop', { msgId: n1.msgId, side: 'send' });
    const n2 = u.send('a', 'b', 'hop');
    u.recv('b', n2);
    u.recv('b', n1);
    expect(checkFifo(createTraceIndex(u.events)).map((f) => f.severity)).toEqual(['error']);
  });

  it('checks each broadcast member on its own channel', () => {
    const t = createTraceBuilder();
    const m1 = t.send('a', '#team', 'news');
    const m2 = t.send('a', '#team', 'news');
    t.recv('b', m1);
    t.recv('b', m2);
    t.recv('c', m2);
    t.recv('c', m1);
    const findings = checkFifo(createTraceIndex(t.events));
    expect(findings).toHaveLength(1);
    expect(findings[0]!.verdict).toMatch(/^c processed news m1 \(seq 1\) from a via #team/);
  });

  it('lets retries, redeliveries, duplicates and the other delivery mode overtake', () => {
    const t = createTraceBuilder();
    const m1 = t.send('a', 'b', 'ask');
    const m2 = t.send('a', 'b', 'hop');
    const m3 = t.send('a', 'b', 'job', { mode: 'at-least-once' });
    const m4 = t.send('a', 'b', 'job', { mode: 'at-least-once' });
    t.recv('b', m2);
    t.recv('b', t.retry(m1));
    t.recv('b', m1);
    t.recv('b', m4);
    t.recv('b', m3, { redelivered: true });
    expect(checkFifo(createTraceIndex(t.events))).toEqual([]);
    // A restarted sender that lost its counters starts a new channel.
    const u = createTraceBuilder();
    u.recv('b', u.send('a', 'b', 'hop'));
    u.recv('b', u.send('a', 'b', 'hop'));
    const events = u.events.map((e) => ({ ...e })) as TraceEvent[];
    const restarted = createTraceBuilder();
    restarted.recv('b', restarted.send('a', 'b', 'hop', { msgId: 'after-restart' }));
    for (const e of restarted.events) {
      const shifted = { ...e, seq: e.seq + 10, lamport: e.lamport + 10 } as TraceEvent;
      if (shifted.kind === 'recv') shifted.msgLamport += 10;
      events.push(shifted);
    }
    expect(checkFifo(createTraceIndex(events))).toEqual([]);
  });
});

describe('delivery checker', () => {
  it('reports an at-least-once message overtaken on its channel as lost (error)', () => {
    const t = createTraceBuilder();
    const m1 = t.send('a', 'b', 'job', { mode: 'at-least-once' });
    const m2 = t.send('a', 'b', 'job', { mode: 'at-least-once' });
    t.recv('b', m2);
    const findings = checkDelivery(createTraceIndex(t.events));
    expect(findings).toHaveLength(1);
    const [f] = findings;
    expect(f!.severity).toBe('error');
    expect(f!.verdict).toBe(
      `job ${m1.msgId} from a to b (at-least-once) was sent and never received, rejected or dropped by a fault; b received a later message on the same channel`,
    );
    expect(f!.chain).toEqual([
      { actor: 'a', seq: 0 },
      { actor: 'a', seq: 1 },
      { actor: 'b', seq: 0 },
    ]);
  });

  it('does not take a message held back by a reorder, and overtaken while held, for lost', () => {
    // The chaos soak's case: a1's task.done to coord2 held by a reorder; the next one on the
    // channel released it and went first, and coord2 lost that one's ack (JetStream waits out
    // its ack wait, holding everything behind it) until the run ended.
    const t = createTraceBuilder();
    const held = t.send('a1', 'coord2', 'task.done', { mode: 'at-least-once' });
    t.fault('a1', 'reorder', { msgId: held.msgId, side: 'send', ms: 500, after: 1 });
    t.advance(200);
    t.recv('coord2', t.send('a1', 'coord2', 'task.done', { mode: 'at-least-once' }));
    let report = analyzeDelivery(createTraceIndex(t.events));
    expect(report.messages.map((m) => m.outcome)).toEqual(['in-flight', 'delivered']);
    expect(report.findings).toEqual([]);
    // Overtaken by a message sent after the hold's longest wait: it went out first, so lost.
    t.advance(400);
    t.recv('coord2', t.send('a1', 'coord2', 'task.done', { mode: 'at-least-once' }));
    report = analyzeDelivery(createTraceIndex(t.events));
    expect(report.messages.map((m) => m.outcome)).toEqual(['lost', 'delivered', 'delivered']);
    expect(report.findings.map((f) => f.severity)).toEqual(['error']);
  });

  it('tells lost from in flight by the recipient running on, and notes an outage', () => {
    const t = createTraceBuilder();
    t.state('b', '', 'idle');
    const lost = t.send('a', 'b', 'hop');
    t.advance(20_000);
    t.state('b', 'idle', 'busy');
    t.fault('@n1', 'partition', { nodes: ['n2'] });
    t.send('a', 'b', 'hop', { msgId: 'during' });
    t.advance(20_000);
    t.state('b', 'busy', 'idle');
    t.fault('@n1', 'partition.heal');
    t.send('a', 'b', 'hop', { msgId: 'last' });
    const report = analyzeDelivery(createTraceIndex(t.events));
    expect(report.messages.map((m) => [m.msgId, m.outcome])).toEqual([
      [lost.msgId, 'lost'],
      ['during', 'lost'],
      ['last', 'in-flight'],
    ]);
    expect(report.findings.map((f) => f.severity)).toEqual(['warning', 'warning']);
    expect(report.findings[1]!.verdict).toMatch(/during an outage \(partition\)/);
  });

  it('finds a broadcast that skipped a member and accounts for dropped ones', () => {
    const t = createTraceBuilder();
    const m1 = t.send('a', '#team', 'news');
    t.recv('b', m1);
    const m2 = t.send('a', '#team', 'news');
    t.fault('c', 'drop', { msgId: m2.msgId, side: 'recv' });
    t.recv('b', m2);
    const m3 = t.send('a', '#team', 'news');
    t.recv('c', m3);
    t.recv('b', m3);
    const m4 = t.send('a', '#team', 'news');
    t.recv('b', m4);
    t.reject('c', 'actor c is stopped', m4);
    const m5 = t.send('a', '#team', 'news');
    t.recv('b', m5);
    t.late('c', m5, 'stopped');
    const report = analyzeDelivery(createTraceIndex(t.events));
    const toC = report.messages.filter((m) => m.to === 'c').map((m) => m.outcome);
    expect(toC).toEqual(['lost', 'dropped', 'delivered', 'dead-lettered', 'late']);
    expect(report.findings).toHaveLength(1);
    expect(report.findings[0]!.verdict).toMatch(/^news m1 from a to c \(broadcast on #team\)/);
  });
});

describe('duplicate checker', () => {
  it('finds a message processed twice with no crash between', () => {
    const t = createTraceBuilder();
    const m = t.send('a', 'b', 'pay');
    t.recv('b', m);
    t.recv('b', t.retry(m), { dup: false });
    const findings = checkDuplicates(createTraceIndex(t.events));
    expect(findings).toHaveLength(1);
    expect(findings[0]!.verdict).toBe(
      'b processed pay m1 from a twice (seq 0 and 1): no crash in between; deduplication should have dropped the second copy',
    );
    expect(findings[0]!.events).toHaveLength(4);
  });

  it('excuses a JetStream redelivery after a crash but not a plain copy', () => {
    const t = createTraceBuilder();
    const job = t.send('a', 'b', 'job', { mode: 'at-least-once' });
    t.recv('b', job);
    t.mark('b', 'actor.crashed');
    t.recv('b', job, { dup: false, redelivered: true });
    const note = t.send('a', 'b', 'note');
    t.recv('b', note);
    t.mark('b', 'actor.crashed');
    t.recv('b', note, { dup: false });
    const findings = checkDuplicates(createTraceIndex(t.events));
    expect(findings.map((f) => f.details['msgId'])).toEqual([note.msgId]);
    expect(findings[0]!.verdict).toMatch(/was not a JetStream redelivery/);
  });

  it('excuses a JetStream redelivery to an actor stopped and spawned again, or restored', () => {
    const t = createTraceBuilder();
    const jobs = ['actor.respawned', 'actor.restored', 'actor.done'].map((boundary) => {
      const job = t.send('a', 'b', 'job', { mode: 'at-least-once' });
      t.recv('b', job);
      t.mark('b', boundary);
      t.recv('b', job, { dup: false, redelivered: true });
      return job;
    });
    const findings = checkDuplicates(createTraceIndex(t.events));
    expect(findings.map((f) => f.details['msgId'])).toEqual([jobs[2]!.msgId]);
  });
});

describe('runRuntimeCheckers', () => {
  it('gathers every checker, errors first', () => {
    const t = createTraceBuilder();
    const m1 = t.send('a', 'b', 'hop');
    const m2 = t.send('a', 'b', 'hop');
    t.fault('a', 'delay', { msgId: m1.msgId, side: 'send', ms: 5 });
    t.recv('b', m2);
    t.recv('b', m1);
    t.recv('b', m1, { dup: false });
    const { findings } = runRuntimeCheckers(t.events);
    expect(findings.map((f) => [f.checker, f.severity])).toEqual([
      ['duplicate', 'error'],
      ['fifo', 'warning'],
    ]);
  });
});
