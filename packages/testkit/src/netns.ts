/**
 * Linux network namespaces as test hosts: several "machines" on one box, joined by veth pairs,
 * with `tc netem` delay and loss where the kernel has it and `ip link down` as a real cut.
 * Needs root and iproute2; `netnsSupport()` says why not otherwise.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

function run(args: string[]): string {
  return execFileSync('ip', args, { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
}

function tc(args: string[]): void {
  execFileSync('tc', args, { stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Undefined when namespaces can be made here, else the reason they cannot. */
export function netnsSupport(): string | undefined {
  if (process.platform !== 'linux')
    return `network namespaces need Linux (this is ${process.platform})`;
  if (process.getuid?.() !== 0) return 'network namespaces need root';
  const probe = `llmtprobe${process.pid}`;
  try {
    run(['netns', 'add', probe]);
    run(['netns', 'del', probe]);
    return undefined;
  } catch (err) {
    return `ip netns is not permitted here: ${(err as Error).message.split('\n')[0] ?? ''}`;
  }
}

/** Undefined when `tc netem` works on a veth here, else why not. */
export function netemSupport(): string | undefined {
  const a = `llmtn${process.pid % 10000}a`;
  try {
    run(['link', 'add', a, 'type', 'veth', 'peer', 'name', `${a}b`]);
    tc(['qdisc', 'add', 'dev', a, 'root', 'netem', 'delay', '1ms']);
    return undefined;
  } catch (err) {
    return `tc netem is unavailable (${((err as Error).message.split('\n')[0] ?? '').trim()}): this kernel has no sch_netem`;
  } finally {
    try {
      run(['link', 'del', a]);
    } catch {
      // Never created.
    }
  }
}

export interface Link {
  /** Interface names on each side. */
  readonly a: string;
  readonly b: string;
  /** Addresses on each side (a /30). */
  readonly aAddr: string;
  readonly bAddr: string;
  /** Cuts the link (both directions), as a pulled cable. */
  cut(): void;
  restore(): void;
  /** Delay and loss on both sides (tc netem). */
  impair(delayMs: number, lossPercent: number): void;
}

export interface NetnsLab {
  /** A namespace per host name (`root` is the test's own namespace). */
  ns(name: string): string;
  /** Joins two hosts with a veth pair on subnet 10.77.<subnet>.0/30. */
  link(a: string, b: string, subnet: number): Link;
  /** Adds a default route in `host` via `gateway`. */
  route(host: string, gateway: string): void;
  /** An executable that runs its arguments inside host's namespace (for spawn). */
  wrapper(host: string, dir: string, binary: string): string;
  close(): void;
}

/** Creates namespaces `hosts` (prefixed with a run id so parallel tests never clash). */
export function createNetnsLab(hosts: string[]): NetnsLab {
  // Namespaces and root-side links of a lab whose process died without cleaning up would
  // shadow this one's addresses: remove those (never a lab of a process still running: test
  // files run in parallel, each its own process).
  const live = new Set(
    readdirSync('/proc')
      .filter((p) => /^\d+$/.test(p))
      .map((p) => String(Number(p) % 10000)),
  );
  const stale = (name: string) => {
    const m = /^ln(\d+)/.exec(name);
    return m !== null && !live.has(m[1]!);
  };
  for (const line of run(['netns', 'list']).split('\n')) {
    const ns = line.split(' ')[0];
    if (ns && stale(ns)) run(['netns', 'del', ns]);
  }
  for (const line of run(['-br', 'link']).split('\n')) {
    const dev = line.split(/[\s@]/)[0];
    if (dev && /^ln\d+root/.test(dev) && stale(dev)) run(['link', 'del', dev]);
  }
  const id = `ln${process.pid % 10000}`;
  const name = (h: string) => `${id}${h}`;
  const created: string[] = [];
  process.once('exit', () => lab.close());
  const links: string[] = [];
  const routes = new Map<string, string>();
  for (const h of hosts) {
    run(['netns', 'add', name(h)]);
    created.push(name(h));
    run(['netns', 'exec', name(h), 'ip', 'link', 'set', 'lo', 'up']);
  }
  const inNs = (h: string, args: string[]) =>
    h === 'root' ? run(args) : run(['netns', 'exec', name(h), 'ip', ...args]);
  const tcIn = (h: string, args: string[]) =>
    h === 'root'
      ? tc(args)
      : execFileSync('ip', ['netns', 'exec', name(h), 'tc', ...args], { stdio: 'pipe' });
  const lab: NetnsLab = {
    ns: name,
    link(a, b, subnet) {
      const ia = `${id}${a}${subnet}`.slice(0, 15);
      const ib = `${id}${b}${subnet}`.slice(0, 15);
      if (ia === ib) throw new Error(`link names collide: ${ia}`);
      run(['link', 'add', ia, 'type', 'veth', 'peer', 'name', ib]);
      links.push(ia);
      if (a !== 'root') run(['link', 'set', ia, 'netns', name(a)]);
      if (b !== 'root') run(['link', 'set', ib, 'netns', name(b)]);
      const aAddr = `10.77.${subnet}.1`;
      const bAddr = `10.77.${subnet}.2`;
      inNs(a, ['addr', 'add', `${aAddr}/30`, 'dev', ia]);
      inNs(b, ['addr', 'add', `${bAddr}/30`, 'dev', ib]);
      inNs(a, ['link', 'set', ia, 'up']);
      inNs(b, ['link', 'set', ib, 'up']);
      return {
        a: ia,
        b: ib,
        aAddr,
        bAddr,
        cut: () => {
          inNs(a, ['link', 'set', ia, 'down']);
          inNs(b, ['link', 'set', ib, 'down']);
        },
        restore: () => {
          inNs(a, ['link', 'set', ia, 'up']);
          inNs(b, ['link', 'set', ib, 'up']);
          // Taking a link down deletes the routes through it: put them back.
          for (const [host, gateway] of routes) {
            if ((host === a || host === b) && [aAddr, bAddr].includes(gateway)) {
              inNs(host, ['route', 'replace', 'default', 'via', gateway]);
            }
          }
        },
        impair: (delayMs, lossPercent) => {
          for (const [h, dev] of [
            [a, ia],
            [b, ib],
          ] as const) {
            tcIn(h, [
              'qdisc',
              'replace',
              'dev',
              dev,
              'root',
              'netem',
              'delay',
              `${delayMs}ms`,
              'loss',
              `${lossPercent}%`,
            ]);
          }
        },
      };
    },
    route(host, gateway) {
      inNs(host, ['route', 'add', 'default', 'via', gateway]);
      routes.set(host, gateway);
    },
    wrapper(host, dir, binary) {
      const file = join(dir, `in-${host}.sh`);
      writeFileSync(file, `#!/bin/sh\nexec ip netns exec ${name(host)} ${binary} "$@"\n`);
      chmodSync(file, 0o755);
      return file;
    },
    close() {
      for (const l of links) {
        try {
          run(['link', 'del', l]);
        } catch {
          // Gone with its namespace.
        }
      }
      for (const n of created) {
        try {
          run(['netns', 'del', n]);
        } catch {
          // Already gone.
        }
      }
      created.length = 0;
      links.length = 0;
    },
  };
  return lab;
}
