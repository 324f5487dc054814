import { createTraceBuilder, type TraceBuilder } from '@llm-teams/runtime';

/**
 * A correct run that exercises every excused irregularity: a relay ring, broadcasts to three
 * members, an ask whose request was dropped by a fault and retried, a retried request answered
 * again from the reply cache (its copy deduplicated), a fault-duplicated message, a
 * JetStream redelivery after a crash, an ack lost and the redelivered copy deduplicated, a
 * message arriving late at a finished actor, a misaddressed copy dead-lettered, a send-side delay that reorders nothing, and one
 * message still in flight at the end.
 */
export function cleanRun(): TraceBuilder {
  const t = createTraceBuilder();
  for (const a of ['a', 'b', 'c', 'd']) t.state(a, '', 'idle', 'xstate.init');
  // Relay ring a -> b -> c -> a, twice round.
  let from = 'a';
  for (let k = 0; k < 6; k++) {
    const to = from === 'a' ? 'b' : from === 'b' ? 'c' : 'a';
    const m = t.send(from, to, 'hop');
    t.recv(to, m);
    t.state(to, 'idle', 'idle', 'hop');
    from = to;
  }
  // Broadcasts from a to b, c, d.
  for (let k = 0; k < 2; k++) {
    const m = t.send('a', '#team', 'news');
    for (const member of ['c', 'b', 'd']) t.recv(member, m);
  }
  // An ask: the first attempt is dropped by an injected fault, the retry is answered.
  const ask = t.send('b', 'c', 'q.ask');
  t.fault('b', 'drop', { msgId: ask.msgId, side: 'send' });
  t.advance(200);
  const ask2 = t.retry(ask);
  t.recv('c', ask2);
  const answer = t.send('c', 'b', 'q.reply', { corrId: ask.msgId });
  // The reply is slow; b retries, c answers again from its cache, b drops the copy.
  const ask3 = t.retry(ask2);
  t.recv('c', ask3);
  const answerAgain = t.retry(answer);
  t.recv('b', answer);
  t.recv('b', answerAgain);
  // A fault duplicates a message on receipt: the copy is deduplicated.
  const dupd = t.send('d', 'a', 'note');
  t.fault('a', 'duplicate', { msgId: dupd.msgId, side: 'recv', copies: 1 });
  t.recv('a', dupd);
  t.recv('a', dupd);
  // At-least-once: c crashes while handling a job, JetStream redelivers it after the restart.
  const job = t.send('a', 'c', 'job.run', { mode: 'at-least-once' });
  t.recv('c', job);
  t.mark('c', 'actor.crashed', { error: 'boom' });
  t.mark('c', 'actor.restarted', { restarts: 1, fromCheckpoint: true });
  t.recv('c', job, { redelivered: true, dup: false });
  // The next job is done but its ack is lost: the redelivered copy is a duplicate.
  const job2 = t.send('a', 'c', 'job.run', { mode: 'at-least-once' });
  t.recv('c', job2);
  t.fault('c', 'ack.lost', { msgId: job2.msgId });
  t.recv('c', job2, { redelivered: true });
  // A delay that reorders nothing.
  const slow = t.send('d', 'b', 'hop');
  t.fault('d', 'delay', { msgId: slow.msgId, side: 'send', ms: 50 });
  t.advance(50);
  t.recv('b', slow);
  // A copy of a message arrives on the wrong inbox and is dead-lettered; the message itself
  // is received.
  const stray = t.send('a', 'b', 'hop');
  t.reject('@n1', 'envelope for t/b arrived on the inbox of t/c', stray);
  t.recv('b', stray);
  // d finishes; a message to it arrives late.
  t.mark('d', 'actor.done');
  const late = t.send('b', 'd', 'hop');
  t.late('d', late);
  // The last message is still on its way when the trace ends.
  t.send('a', 'b', 'bye');
  return t;
}
