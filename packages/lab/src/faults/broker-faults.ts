import type { NatsCluster } from '@llm-teams/broker';
import type { FaultEventPayload } from '@llm-teams/runtime';
import type { AppliedFault } from './agent-faults.js';
import type { BrokerFaultSpec } from './fault-plan.js';

/**
 * Broker faults on a cluster this process started: kill a nats-server node (SIGKILL: a crash;
 * SIGTERM: a clean shutdown) and restart it with its store; cut a node off by stopping its
 * process (SIGSTOP): its clients and routes stay connected but nothing moves, as on a host
 * that lost its network, until it is continued (SIGCONT) or the pings time out.
 */
export interface BrokerFaults {
  kill(node: string, signal?: 'SIGKILL' | 'SIGTERM', faultId?: string): Promise<void>;
  restart(node: string, faultId?: string): Promise<void>;
  cut(node: string, faultId?: string): void;
  heal(node: string, faultId?: string): void;
  /** Continues every node still cut off, so the cluster can be closed. */
  close(): void;
}

export function createBrokerFaults(
  cluster: NatsCluster,
  record: (event: FaultEventPayload) => void,
): BrokerFaults {
  const cut = new Map<string, number>();
  const idOf = (faultId: string | undefined) => (faultId !== undefined ? { faultId } : {});
  const resume = (node: string) => {
    const pid = cut.get(node);
    cut.delete(node);
    if (pid === undefined) return false;
    try {
      process.kill(pid, 'SIGCONT');
    } catch {
      // The process is gone (killed meanwhile): nothing to continue.
    }
    return true;
  };
  return {
    async kill(node, signal = 'SIGKILL', faultId) {
      resume(node);
      record({
        kind: 'fault',
        fault: 'server.kill',
        phase: 'start',
        nodes: [node],
        signal,
        ...idOf(faultId),
      });
      await cluster.stopNode(node, { signal });
    },
    async restart(node, faultId) {
      await cluster.restartNode(node);
      record({
        kind: 'fault',
        fault: 'server.restart',
        phase: 'end',
        nodes: [node],
        ...idOf(faultId),
      });
    },
    cut(node, faultId) {
      const pid = cluster.node(node).pid;
      if (pid === undefined || cut.has(node)) return;
      process.kill(pid, 'SIGSTOP');
      cut.set(node, pid);
      record({
        kind: 'fault',
        fault: 'server.cut',
        phase: 'start',
        nodes: [node],
        ...idOf(faultId),
      });
    },
    heal(node, faultId) {
      if (resume(node)) {
        record({
          kind: 'fault',
          fault: 'server.cut.heal',
          phase: 'end',
          nodes: [node],
          ...idOf(faultId),
        });
      }
    },
    close() {
      for (const node of [...cut.keys()]) resume(node);
    },
  };
}

/** Applies a broker fault; a kill heals by a restart, a cut by continuing the node. */
export async function applyBrokerFault(
  id: string,
  spec: BrokerFaultSpec,
  broker: BrokerFaults,
): Promise<AppliedFault> {
  if (spec.kind === 'server.kill') {
    await broker.kill(spec.node, spec.signal ?? 'SIGKILL', id);
    return { heal: () => broker.restart(spec.node, id) };
  }
  if (spec.kind === 'server.restart') {
    await broker.restart(spec.node, id);
    return {};
  }
  broker.cut(spec.node, id);
  return { heal: () => Promise.resolve(broker.heal(spec.node, id)) };
}
