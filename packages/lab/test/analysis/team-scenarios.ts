import { createTraceBuilder, type TraceBuilder } from '@llm-teams/runtime';

export const TASKS = [
  { id: 't1', deps: [], files: ['src/t1.ts'] },
  { id: 't2', deps: ['t1'], files: ['src/t2.ts', 'src/index.ts'] },
  { id: 't3', deps: ['t1'], files: ['src/t3.ts'] },
  { id: 't4', deps: ['t2', 't3'], files: ['src/t4.ts', 'src/index.ts'] },
];

/** A worker's whole turn on one task, as the lead assigned it, ending with a report. */
function work(
  t: TraceBuilder,
  worker: string,
  task: string,
  writes: { path: string; baseRev: number; rev: number }[],
  reads: { path: string; rev: number }[] = [],
) {
  const assign = t.send('lead', worker, 'task.assign');
  t.recv(worker, assign);
  t.task(worker, task, 'claim');
  t.task(worker, task, 'start');
  t.state(worker, 'idle', 'working', 'task.assign');
  llm(t, worker);
  for (const r of reads) t.tool(worker, 'read_file', { path: r.path, rev: r.rev });
  for (const w of writes) t.tool(worker, 'write_file', { ...w, taskId: task });
  t.tool(worker, 'run_tests', { taskId: task, outcome: 'pass' });
  t.task(worker, task, 'done');
  t.state(worker, 'working', 'idle', 'tests.passed');
  return t.send(worker, 'lead', 'task.done');
}

export function llm(t: TraceBuilder, actor: string): void {
  t.emit(actor, {
    kind: 'llm',
    model: 'sim:test',
    inputTokens: 100,
    outputTokens: 50,
    latencyMs: 1200,
    attempt: 1,
    outcome: 'ok',
  });
}

/**
 * A clean centralized run: the lead assigns each task once its dependencies are reported
 * done, a backup copy of t3 is released when the first copy wins, t4 extends a file t2
 * created (both declare it), workers read what they build on, and a vote passes 3 to 0.
 */
export function cleanTeamRun(): TraceBuilder {
  const t = createTraceBuilder();
  t.mark('lead', 'run.tasks', { tasks: TASKS });
  for (const a of ['lead', 'w1', 'w2']) t.state(a, '', 'idle', 'xstate.init');
  t.recv('lead', work(t, 'w1', 't1', [{ path: 'src/t1.ts', baseRev: 0, rev: 1 }]));
  const d2 = work(
    t,
    'w1',
    't2',
    [
      { path: 'src/t2.ts', baseRev: 0, rev: 1 },
      { path: 'src/index.ts', baseRev: 0, rev: 1 },
    ],
    [{ path: 'src/t1.ts', rev: 1 }],
  );
  const d3 = work(
    t,
    'w2',
    't3',
    [{ path: 'src/t3.ts', baseRev: 0, rev: 1 }],
    [{ path: 'src/t1.ts', rev: 1 }],
  );
  // A backup copy of t3 on w1 loses the race and releases it.
  t.task('w1', 't3', 'start');
  t.recv('lead', d3);
  t.recv('lead', d2);
  const cancel = t.send('lead', 'w1', 'task.cancel');
  t.recv('w1', cancel);
  t.task('w1', 't3', 'release');
  t.recv(
    'lead',
    work(t, 'w2', 't4', [
      { path: 'src/t4.ts', baseRev: 0, rev: 1 },
      { path: 'src/index.ts', baseRev: 1, rev: 2 },
    ]),
  );
  // A vote, tallied by the lead from the ballots it received.
  t.mark('lead', 'vote.open', { voteId: 'v1', electorate: 3 });
  const ballot = t.send('lead', '#team', 'vote.ballot');
  for (const w of ['w1', 'w2']) {
    t.recv(w, ballot);
    t.mark(w, 'vote.cast', { voteId: 'v1', value: 'ship' });
    t.recv('lead', t.send(w, 'lead', 'vote.reply'));
  }
  t.mark('lead', 'vote.cast', { voteId: 'v1', value: 'ship' });
  t.mark('lead', 'vote.decided', { voteId: 'v1', outcome: 'ship' });
  t.mark('lead', 'run.end', { completed: true });
  return t;
}
