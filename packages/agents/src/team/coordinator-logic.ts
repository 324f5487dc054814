import { fromCallback, fromPromise } from 'xstate';
import type { KV } from '@llm-teams/broker';
import type { Clock } from '@llm-teams/runtime';
import { createLeaseKeeper } from '../protocols/leader-lease.js';
import {
  hostBinding,
  type ActorSystemLike,
  type RuntimeBinding,
} from '../protocols/runtime-binding.js';
import type { TaskBoardProtocol } from '../protocols/task-board-protocol.js';
import { describeRefusal } from '../team-state/task-board.js';
import type { QuorumOptions } from '../protocols/quorum-vote.js';
import type { CoordinatorEvent } from './coordinator-events.js';
import { stateFromBoard, type PlanOptions, type PlanState, type Send } from './coordinator-plan.js';

/** Callbacks of a leader election: what the coordinator hears. */
export interface ElectionCallbacks {
  onAcquired: (epoch: number) => void;
  /** `validForMs`: see `LeaseKeeperOptions.onLost`. */
  onLost: (reason: string, validForMs?: number) => void;
}

export interface CoordinatorServices {
  id: string;
  workers: readonly string[];
  priority: ReadonlyMap<string, number>;
  /** The task-board protocol, acting as this coordinator (fencing, approvals, the board). */
  protocol: TaskBoardProtocol;
  /** The lease bucket of the default election. Needed unless `election` is given. */
  leases?: KV;
  /** Leader election. Default: a lease in `leases` (`createLeaseKeeper`), key `coordinator`. */
  election?: (callbacks: ElectionCallbacks) => { close(): void };
  clock: Clock;
  timeScale: number;
  /** Default 2000. */
  leaseMs: number;
  /** Clock error the lease tolerates (`LeaseKeeperOptions.skewMs`). Default 0. */
  leaseSkewMs?: number;
  /** Straggler checks. Default 100. */
  tickMs: number;
  maxAttempts: number;
  stragglerFactor: number;
  stragglerMinMs: number;
  backups: boolean;
  /** Speculative backups of running tasks when workers are idle at the tail. */
  tailBackups: boolean;
  /** Give out work in model-time order (PlanOptions.modelTimeOrder). Default false. */
  modelTimeOrder?: boolean;
  /** Reviewers per completed task; 0: no verification. */
  verify: number;
  quorum?: QuorumOptions;
  /** How the coordinator reaches the runtime. Default: its `ActorHost`. */
  binding?: RuntimeBinding;
}

/** What the coordinator does to the world, for one actor system. */
export interface Effects {
  send(sends: Send[], state?: PlanState): void;
  mark(name: string, data?: Record<string, unknown>): void;
  /** Writes a quorum's approval to the board (with the leader's epoch), so a coordinator
   *  taking over verifies only what no quorum approved yet. */
  persistApproval(taskId: string, epoch: number): void;
  announceEnd(status: string, epoch: number): void;
}

export function coordinatorLogic(s: CoordinatorServices) {
  const bind = s.binding ?? hostBinding;
  const planOptions = (epoch: number): PlanOptions => ({
    epoch,
    now: s.clock.now(),
    timeScale: s.timeScale,
    maxAttempts: s.maxAttempts,
    stragglerFactor: s.stragglerFactor,
    stragglerMinMs: s.stragglerMinMs,
    backups: s.backups,
    tailBackups: s.tailBackups,
    ...(s.modelTimeOrder ? { modelTimeOrder: true } : {}),
    verify: s.verify,
    ...(s.quorum ? { quorum: s.quorum } : {}),
  });
  const election =
    s.election ??
    ((callbacks: ElectionCallbacks) => {
      if (!s.leases) throw new Error(`coordinator ${s.id}: no lease bucket and no election`);
      return createLeaseKeeper({
        kv: s.leases,
        holder: s.id,
        leaseMs: s.leaseMs,
        ...(s.leaseSkewMs !== undefined ? { skewMs: s.leaseSkewMs } : {}),
        clock: s.clock,
        ...callbacks,
      });
    });
  const effects = (system: unknown): Effects => {
    const rt = bind(system as ActorSystemLike);
    const mark = (name: string, data: Record<string, unknown> = {}) =>
      rt.record({ kind: 'mark', name, ...data });
    return {
      send(sends, state) {
        for (const m of sends) rt.tell(m.to, m.type, m.body);
        for (const m of state?.marks.splice(0) ?? []) mark(m.name, m.data);
      },
      mark,
      persistApproval(taskId, epoch) {
        // A failed write costs at most one more vote after a failover.
        s.protocol.approve(taskId, epoch).then(
          (outcome) => {
            if (!outcome.ok)
              mark('verify.unrecorded', {
                taskId,
                reason: describeRefusal(taskId, outcome.refusal),
                refusal: outcome.refusal.code,
              });
          },
          (err: unknown) => mark('verify.unrecorded', { taskId, reason: String(err) }),
        );
      },
      announceEnd(status, epoch) {
        rt.broadcast('team', 'run.done', { status, epoch });
      },
    };
  };
  return {
    planOptions,
    effects,
    actors: {
      election: fromCallback<CoordinatorEvent>(({ sendBack }) => {
        const keeper = election({
          onAcquired: (epoch) => sendBack({ type: 'lease.acquired', epoch }),
          onLost: (reason, validForMs) =>
            sendBack({
              type: 'lease.lost',
              reason,
              ...(validForMs !== undefined ? { validForMs } : {}),
            }),
        });
        return () => keeper.close();
      }),
      /** Taking over: fence the board with the new epoch (no entry accepts the old leader's
       *  writes after this), then rebuild the plan from it. */
      takeOver: fromPromise<PlanState | { deposedBy: number }, { epoch: number }>(
        async ({ input }) => {
          const fenced = await s.protocol.fenceAll(input.epoch);
          if (fenced.higher !== undefined) return { deposedBy: fenced.higher };
          return stateFromBoard(
            await s.protocol.board.all(),
            s.priority,
            s.workers,
            s.clock.now(),
            {
              reviewers: s.verify,
              epoch: input.epoch,
            },
          );
        },
      ),
      ticker: fromCallback<CoordinatorEvent>(({ sendBack }) => {
        let timer: unknown;
        const tick = () => {
          sendBack({ type: 'tick' });
          timer = s.clock.setTimeout(tick, s.tickMs);
        };
        timer = s.clock.setTimeout(tick, s.tickMs);
        return () => s.clock.clearTimeout(timer);
      }),
    },
  };
}
