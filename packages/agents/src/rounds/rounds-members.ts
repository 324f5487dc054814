/**
 * Spawning the members of a rounds team (the paper's harness on this runtime): the lead
 * (`coord1`) and the workers, on the team's shared state kept under locks (file-locks.ts).
 */
import type { TracePayload } from '@llm-teams/runtime';
import { completedRecord } from '../protocols/task-board-protocol.js';
import type { BoardOutcome, TaskBoard } from '../team-state/task-board.js';
import { memberModel } from '../team/member-model.js';
import { createMemberTools } from '../team/member-tools.js';
import type { TeamContext } from '../team/team-context.js';
import { watchWorkers } from '../team/worker-watch.js';
import { createFileLocks, lockedBoard, lockedWorkspace } from './file-locks.js';
import { createRoundsLeadMachine } from './rounds-lead.js';
import type { PeerMessage, RoundsMode } from './rounds-messages.js';
import { createRoundsWorkerMachine } from './rounds-worker.js';

const modeOf = (arch: string): RoundsMode => (arch === 'rounds-claim' ? 'claim' : 'preassign');

/** Member `id`'s view of the shared state, under locks (the team's stores put plainly). */
function lockedState(ctx: TeamContext, id: string) {
  const record = (p: TracePayload) => ctx.host.actor(id)?.runtime.record(p);
  const locks = createFileLocks({ kv: ctx.leasesOf(id), owner: id, clock: ctx.clock, record });
  return {
    board: lockedBoard(ctx.boardOf(id), locks),
    workspace: lockedWorkspace(ctx.workspaceOf(id), locks),
    record,
  };
}

/**
 * Completes a task: the first completion wins, by its owner or by a worker whose claim the lead
 * reopened (it suspected the worker, wrongly, and dealt its tasks out): the work is done either
 * way. The task-board protocol's `complete` would refuse the latter (not the owner).
 */
async function complete(
  board: TaskBoard,
  me: string,
  taskId: string,
  modelTime: number,
  record: (p: TracePayload) => void,
): Promise<BoardOutcome> {
  const out = await board.update(taskId, (e) => {
    if (e.status === 'done') return { code: 'already-done', owner: e.owner };
    if (e.owner !== me && e.status !== 'open') return { code: 'not-owner', owner: e.owner };
    return { ...e, status: 'done', owner: me, leaseUntil: undefined, doneAtModel: modelTime };
  });
  if (out.ok) record(completedRecord(taskId, out.rev));
  return out;
}

/** Spawns worker `id` of a rounds team in this process. */
export async function spawnRoundsWorker(ctx: TeamContext, id: string): Promise<void> {
  const { config, clock, tasks } = ctx;
  const { board, workspace, record } = lockedState(ctx, id);
  const model = memberModel(ctx, id, config.models?.[id] ?? config.model);
  const outbox: PeerMessage[] = [];
  const { protocol, executor } = createMemberTools(ctx, id, {
    clock,
    board,
    workspace,
    record,
    // The harness's channel: a step's messages reach every member with the next round.
    message: (to, text) => {
      outbox.push({ from: id, text: to === 'all' ? text : `(to ${to}) ${text}` });
      return undefined;
    },
    claims: modeOf(config.arch) === 'claim',
    complete: () => (taskId, session) => complete(board, id, taskId, session.modelNow, record),
  });
  const machine = createRoundsWorkerMachine({
    agentId: id,
    mode: modeOf(config.arch),
    lead: config.coordinators[0]!,
    teammates: config.workers.filter((w) => w !== id),
    tasks,
    priority: ctx.priority,
    model,
    executor,
    protocol,
    workspace,
    maxTurns: config.limits.maxTurns,
    outbox,
    record,
  });
  await ctx.spawn(id, machine, {
    durable: true,
    topics: ['team'],
    heartbeat: { intervalMs: config.failureDetection.heartbeatMs },
  });
}

/** Spawns the lead of a rounds team in this process, with the failure detector that feeds it. */
export async function spawnRoundsLead(ctx: TeamContext, id: string): Promise<void> {
  const { config, clock } = ctx;
  const order = [...ctx.tasks.keys()].sort(
    (a, b) => (ctx.priority.get(b) ?? 0) - (ctx.priority.get(a) ?? 0) || (a < b ? -1 : 1),
  );
  const machine = createRoundsLeadMachine({
    id,
    mode: modeOf(config.arch),
    workers: config.workers,
    order,
    board: lockedState(ctx, id).board,
    clock,
    timeScale: config.timeScale,
    runStartMs: config.runStartMs,
  });
  await ctx.spawn(id, machine, { durable: true, topics: ['team'], heartbeat: { intervalMs: 100 } });
  watchWorkers(ctx, id);
}
