import type { TraceDetail, TracePayload } from '@llm-teams/runtime';
import { createAgentMachine } from '../agent/agent-machine.js';
import { isRoundsArch, type Architecture } from '../agent/agent-prompt.js';
import { AgentsError } from '../agents-error.js';
import { createCoordinatorMachine } from './coordinator-machine.js';
import { memberModel } from './member-model.js';
import { createMemberTools } from './member-tools.js';
import { createTaskBoardProtocol } from '../protocols/task-board-protocol.js';
import type { TeamContext } from './team-context.js';
import { watchWorkers } from './worker-watch.js';
import { spawnRoundsLead, spawnRoundsWorker } from '../rounds/rounds-members.js';

/** Work and its outcome must not be lost; chatter and cancellations may be. */
export const TEAM_DELIVERY = {
  types: {
    'task.assign': 'at-least-once',
    'task.done': 'at-least-once',
    'task.review': 'at-least-once',
    'vote.cast': 'at-least-once',
    // A rounds team's lock step: a lost go or step would stall the round for its timeout.
    'round.go': 'at-least-once',
    'round.step': 'at-least-once',
  },
} as const;

export const TEAM_SUPERVISION = {
  maxRestarts: 3,
  windowMs: 60_000,
  backoff: { initialDelayMs: 50, maxDelayMs: 1000 },
};

export type { TeamContext, TeamRunConfig } from './team-context.js';

const recorder = (ctx: TeamContext, id: string) => (p: TracePayload, detail?: TraceDetail) =>
  ctx.host.actor(id)?.runtime.record(p, detail);

/** Spawns worker `id` (an agent) in this process. */
export async function spawnWorker(ctx: TeamContext, id: string): Promise<void> {
  const { config, host, tasks } = ctx;
  const clock = ctx.clockOf(id);
  const { arch, workers, coordinators, limits } = config;
  const record = recorder(ctx, id);
  const modelId = config.models?.[id] ?? config.model;
  const model = memberModel(ctx, id, modelId);
  const selfClaiming = arch !== 'centralized';
  const board = ctx.boardOf(id);
  const workspace = ctx.workspaceOf(id);
  const { protocol, executor } = createMemberTools(ctx, id, {
    clock,
    board,
    workspace,
    record,
    protocol: { fencing: config.fencing ?? true, earlyReads: config.earlyReads === true },
    message: (to, text, taskId) => {
      const rt = host.actor(id)?.runtime;
      if (!rt) return 'not running';
      const body = { text, ...(taskId ? { taskId } : {}) };
      if (to === 'all') rt.broadcast('team', 'peer.msg', body);
      else if (workers.includes(to) || coordinators.includes(to)) rt.tell(to, 'peer.msg', body);
      else
        return `unknown teammate ${to}; teammates are ${workers.filter((w) => w !== id).join(', ') || '(none)'}`;
      return undefined;
    },
    claims: selfClaiming,
    complete: (protocol) => (taskId, session) =>
      protocol.complete(taskId, { modelTime: session.modelNow }),
  });
  const simulated = modelId.startsWith('sim:') || modelId.startsWith('replay:');
  const machine = createAgentMachine({
    agentId: id,
    arch,
    tasks,
    priority: ctx.priority,
    teammates: workers.filter((w) => w !== id),
    coordinators,
    model,
    executor,
    protocol,
    workspace,
    random: ctx.random.fork(`agent/${id}`),
    limits,
    timeScale: simulated ? config.timeScale : 1,
    runStartMs: config.runStartMs,
    ...(ctx.runStarted ? { runStarted: ctx.runStarted } : {}),
    record,
    now: () => clock.now(),
    clock,
    fencing: config.fencing ?? true,
  });
  await ctx.spawn(id, machine, {
    input: { agentId: id },
    durable: arch === 'centralized' && ctx.durableInboxes,
    topics: ['team'],
    heartbeat: { intervalMs: config.failureDetection.heartbeatMs },
  });
}

/** Spawns coordinator `id` in this process, with the failure detector that feeds it. */
export async function spawnCoordinator(ctx: TeamContext, id: string): Promise<void> {
  const { config } = ctx;
  const clock = ctx.clockOf(id);
  const c = config.coordinator;
  const machine = createCoordinatorMachine({
    id,
    workers: config.workers,
    priority: ctx.priority,
    protocol: createTaskBoardProtocol({
      board: ctx.boardOf(id),
      agentId: id,
      now: () => clock.now(),
      leaseMs: c.leaseMs,
      fencing: config.fencing ?? true,
    }),
    leases: ctx.leasesOf(id),
    clock,
    timeScale: config.timeScale,
    leaseMs: c.leaseMs,
    ...(c.leaseSkewMs !== undefined ? { leaseSkewMs: c.leaseSkewMs } : {}),
    tickMs: 100,
    maxAttempts: c.maxAttempts,
    stragglerFactor: c.stragglerFactor,
    stragglerMinMs: c.stragglerMinMs,
    backups: c.backups,
    tailBackups: c.tailBackups,
    ...(c.modelTimeOrder ? { modelTimeOrder: true } : {}),
    verify: config.verify,
    ...(config.quorum !== undefined ? { quorum: { quorum: config.quorum } } : {}),
  });
  await ctx.spawn(id, machine, {
    durable: ctx.durableInboxes,
    topics: ['team'],
    heartbeat: { intervalMs: 100 },
  });
  watchWorkers(ctx, id);
}

/** A team's coordinators: a centralized team's leader and standby, a rounds team's lead (the
 *  paper's harness had no standby), none otherwise. */
export function teamCoordinators(arch: Architecture, standby = true): string[] {
  if (arch === 'centralized') return standby ? ['coord1', 'coord2'] : ['coord1'];
  return isRoundsArch(arch) ? ['coord1'] : [];
}

/** Spawns a member of the team, worker or coordinator, by id. */
export async function spawnMember(ctx: TeamContext, id: string): Promise<void> {
  const rounds = isRoundsArch(ctx.config.arch);
  if (ctx.config.coordinators.includes(id))
    await (rounds ? spawnRoundsLead(ctx, id) : spawnCoordinator(ctx, id));
  else if (ctx.config.workers.includes(id))
    await (rounds ? spawnRoundsWorker(ctx, id) : spawnWorker(ctx, id));
  else {
    throw new AgentsError(
      'INVALID_TEAM',
      `team ${ctx.config.team} has no member ${id}; members are ${[...ctx.config.workers, ...ctx.config.coordinators].join(', ')}`,
    );
  }
}
