import { resolve } from 'node:path';
import { readUpState, upServerControl } from '../run/up-servers.js';
import { UsageError } from './cli-context.js';

/** The flags of `run` that say where its servers are. */
export interface RunServerFlags {
  nats?: string | undefined;
  cluster?: number | undefined;
  upDir?: string | undefined;
}

/** Where a run's servers are: URLs and names, the broker nodes faults act on, and the
 *  control of servers `up` started. */
export interface RunServers {
  url?: string;
  names: string[];
  brokerNodes?: string[] | undefined;
  control?: () => ReturnType<typeof upServerControl>;
}

/**
 * Where the run's servers come from, known before any starts: an embedded server (`n1`), an
 * embedded cluster (`--cluster n`: `n1`...), the servers `up` started (`--up-dir`), or URLs
 * (`s1`, ...). Broker faults act on the first three.
 */
export function runServers(flags: RunServerFlags, cwd: string): RunServers {
  if (flags.cluster !== undefined && (flags.nats !== undefined || flags.upDir !== undefined)) {
    throw new UsageError('--cluster starts its own servers: give no --nats or --up-dir with it');
  }
  if (flags.upDir !== undefined) {
    const dir = resolve(cwd, flags.upDir);
    const state = readUpState(dir);
    if (!state) throw new UsageError(`--up-dir: nothing is up in ${dir} (run llm-teams up first)`);
    const names = state.nodes.map((n) => n.name);
    return {
      url: flags.nats ?? state.nodes.map((n) => n.url).join(','),
      names: flags.nats === undefined ? names : flags.nats.split(',').map((_, i) => `s${i + 1}`),
      brokerNodes: names,
      control: () => upServerControl(dir),
    };
  }
  if (flags.nats !== undefined) {
    return { url: flags.nats, names: flags.nats.split(',').map((_, i) => `s${i + 1}`) };
  }
  const n = flags.cluster ?? 1;
  const names = Array.from({ length: n }, (_, i) => `n${i + 1}`);
  return { names, brokerNodes: flags.cluster !== undefined ? names : undefined };
}
