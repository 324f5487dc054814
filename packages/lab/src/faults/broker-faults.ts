import type { NatsCluster } from '@llm-teams/broker';
import type { FaultEventPayload } from '@llm-teams/runtime';
import type { AppliedFault } from './applied-fault.js';
import type { BrokerFaultSpec } from './fault-kinds.js';

/**
 * Broker faults on servers this process controls: kill a nats-server node (SIGKILL: a crash;
 * SIGTERM: a clean shutdown) and restart it with its store; pause a node by stopping its
 * process (SIGSTOP): its clients and routes stay connected but nothing moves, as on a host
 * that froze, until it is continued (SIGCONT) or the pings time out.
 */
export interface BrokerFaults {
  kill(node: string, signal?: 'SIGKILL' | 'SIGTERM', faultId?: string): Promise<void>;
  restart(node: string, faultId?: string): Promise<void>;
  pause(node: string, faultId?: string): void;
  heal(node: string, faultId?: string): void;
  /** Continues every node still paused, so the cluster can be closed. */
  close(): void;
}

/**
 * The servers broker faults act on: a cluster this process started (`clusterControl`), or the
 * servers `llm-teams up` left running (`upServerControl`).
 */
export interface ServerControl {
  /** Server names (`n1`, `n2`, ...). */
  readonly names: readonly string[];
  /** The running process of a server, if it runs. */
  pid(name: string): number | undefined;
  /** Stops a server (SIGKILL: a crash; SIGTERM: a clean stop); its store is kept. */
  stop(name: string, signal: 'SIGKILL' | 'SIGTERM'): Promise<void>;
  /** Starts a stopped server again, same ports and store. */
  restart(name: string): Promise<void>;
}

/** A cluster this process started, as broker faults see it. */
export function clusterControl(cluster: NatsCluster): ServerControl {
  return {
    names: cluster.nodes.map((n) => n.name),
    pid: (name) => cluster.node(name).pid,
    stop: (name, signal) => cluster.stopNode(name, { signal }),
    restart: (name) => cluster.restartNode(name),
  };
}

export function createBrokerFaults(
  servers: ServerControl,
  record: (event: FaultEventPayload) => void,
): BrokerFaults {
  const paused = new Map<string, number>();
  const idOf = (faultId: string | undefined) => (faultId !== undefined ? { faultId } : {});
  const resume = (node: string) => {
    const pid = paused.get(node);
    paused.delete(node);
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
      await servers.stop(node, signal);
    },
    async restart(node, faultId) {
      await servers.restart(node);
      record({
        kind: 'fault',
        fault: 'server.restart',
        phase: 'end',
        nodes: [node],
        ...idOf(faultId),
      });
    },
    pause(node, faultId) {
      const pid = servers.pid(node);
      if (pid === undefined || paused.has(node)) return;
      process.kill(pid, 'SIGSTOP');
      paused.set(node, pid);
      record({
        kind: 'fault',
        fault: 'server.pause',
        phase: 'start',
        nodes: [node],
        ...idOf(faultId),
      });
    },
    heal(node, faultId) {
      if (resume(node)) {
        record({
          kind: 'fault',
          fault: 'server.pause.heal',
          phase: 'end',
          nodes: [node],
          ...idOf(faultId),
        });
      }
    },
    close() {
      for (const node of [...paused.keys()]) resume(node);
    },
  };
}

/** Applies a broker fault; a kill heals by a restart, a pause by continuing the node. */
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
  broker.pause(spec.node, id);
  return { heal: () => Promise.resolve(broker.heal(spec.node, id)) };
}
