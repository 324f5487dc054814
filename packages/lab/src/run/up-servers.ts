/**
 * System time: it waits for the real server processes `up` started to start and stop.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findNatsServerBinary } from '@llm-teams/broker';
import type { ServerControl } from '../faults/broker-faults.js';
import { LabError } from '../lab-error.js';

/** What `llm-teams up` leaves behind in its directory, for `down` and for broker faults. */
export interface UpState {
  /** `http`: the monitoring URL (`/healthz`, `/routez`, ...). */
  nodes: { name: string; pid: number; url: string; http: string; dir: string }[];
  startedAt: string;
}

export const UP_STATE_FILE = 'llmt-up.json';

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The state `up` wrote in `dir`; undefined when nothing was started there. */
export function readUpState(dir: string): UpState | undefined {
  const file = join(dir, UP_STATE_FILE);
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as UpState;
}

export function writeUpState(dir: string, state: UpState): void {
  writeFileSync(join(dir, UP_STATE_FILE), JSON.stringify(state, null, 2) + '\n');
}

async function waitUntil(what: string, check: () => boolean | Promise<boolean>, ms: number) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new LabError('SERVER_CONTROL', `timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * The servers `llm-teams up --dir <dir>` started, for broker faults from another process:
 * stopped by signal to their pid; restarted from the configuration `up` wrote in each
 * server's directory (same ports and store), detached like `up`'s, and the new pid written
 * back to the state file so `down` stops it.
 */
export function upServerControl(dir: string): ServerControl {
  const state = readUpState(dir);
  if (!state) {
    throw new LabError('SERVER_CONTROL', `nothing is up in ${dir} (no ${UP_STATE_FILE})`);
  }
  const node = (name: string) => {
    const n = state.nodes.find((x) => x.name === name);
    if (!n) {
      throw new LabError(
        'SERVER_CONTROL',
        `no server ${name} in ${dir}; servers are ${state.nodes.map((x) => x.name).join(', ')}`,
      );
    }
    return n;
  };
  return {
    names: state.nodes.map((n) => n.name),
    pid: (name) => {
      const { pid } = node(name);
      return processAlive(pid) ? pid : undefined;
    },
    async stop(name, signal) {
      const { pid } = node(name);
      if (!processAlive(pid)) return;
      process.kill(pid, signal);
      await waitUntil(`${name} (pid ${pid}) to exit`, () => !processAlive(pid), 10_000).catch(() =>
        process.kill(pid, 'SIGKILL'),
      );
    },
    async restart(name) {
      const n = node(name);
      if (processAlive(n.pid)) return;
      const config = join(n.dir, 'nats-server.conf');
      const http = /^http: "([^"]+)"/m.exec(readFileSync(config, 'utf8'))?.[1];
      const log = openSync(join(n.dir, 'nats-server.log'), 'a');
      const child = spawn(findNatsServerBinary(), ['-c', config], {
        stdio: ['ignore', log, log],
        detached: true,
      });
      closeSync(log);
      child.unref();
      n.pid = child.pid ?? 0;
      writeUpState(dir, state);
      await waitUntil(
        `${name} to be healthy again`,
        async () =>
          http === undefined ||
          (await fetch(`http://${http}/healthz`).then(
            (r) => r.ok,
            () => false,
          )),
        30_000,
      );
    },
  };
}
