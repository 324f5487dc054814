import { createTraceBuilder, type TraceEvent } from '@llm-teams/runtime';

/** One of everything the diagram draws distinctly, and two planted anomalies. */
export function showcase(): TraceEvent[] {
  const t = createTraceBuilder({ wallStep: 5 });
  for (const a of ['lead', 'w1', 'w2']) t.state(a, '', 'idle', 'xstate.init');
  t.recv('w1', t.send('lead', 'w1', 'task.assign'));
  t.state('w1', 'idle', 'working', 'task.assign');
  // Dropped by a fault, then retried.
  const ask = t.send('w1', 'w2', 'hop');
  t.fault('w1', 'drop', { msgId: ask.msgId, side: 'send' });
  t.recv('w2', t.retry(ask));
  // A duplicated copy.
  const note = t.send('w2', 'lead', 'note');
  t.recv('lead', note);
  t.recv('lead', note);
  // Redelivered after a crash.
  const job = t.send('lead', 'w2', 'job.run', { mode: 'at-least-once' });
  t.recv('w2', job);
  t.mark('w2', 'actor.crashed', { error: 'boom' });
  t.mark('w2', 'actor.restarted', { restarts: 1 });
  t.recv('w2', job, { redelivered: true, dup: false });
  t.state('w2', 'idle', 'busy', 'job.run');
  // A partition cuts w2 off for a while.
  t.fault('@n1', 'partition', { actors: ['w2'] });
  t.state('lead', 'idle', 'waiting', 'tick');
  t.state('w1', 'working', 'idle', 'done');
  t.fault('@n1', 'partition.heal', { actors: ['w2'] });
  // Dead-lettered.
  t.reject('w1', 'actor w1 is restarting', t.send('lead', 'w1', 'hop'));
  // Planted: a reordering, and an at-least-once message lost.
  const h1 = t.send('w1', 'lead', 'hop');
  const h2 = t.send('w1', 'lead', 'hop');
  t.recv('lead', h2);
  t.recv('lead', h1);
  t.send('lead', 'w1', 'job.run', { mode: 'at-least-once' });
  t.recv('w1', t.send('lead', 'w1', 'job.run', { mode: 'at-least-once' }));
  // Still in flight at the end.
  t.send('w1', 'w2', 'bye');
  return t.events;
}
