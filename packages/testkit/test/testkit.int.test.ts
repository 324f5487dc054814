import { existsSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import type { TraceEvent } from '@llm-teams/runtime';
import {
  cliBin,
  runTimeline,
  startHostFixture,
  until,
  useNats,
  watchedTrace,
} from '@llm-teams/testkit';

const alive = (pid: number | undefined) => {
  try {
    process.kill(pid!, 0);
    return true;
  } catch {
    return false;
  }
};

const mark = (name: string, wall: number): TraceEvent => ({
  kind: 'mark',
  name,
  actor: 'a',
  node: 'n',
  seq: 1,
  lamport: 1,
  wall,
});

describe('testkit', () => {
  it('a host fixture provisions the team, hosts actors on it, and close() stops everything', async () => {
    const t = await startHostFixture({ team: 'kit' });
    const trace = watchedTrace();
    const host = await t.host({ trace, seed: 1 });
    expect(host.team).toBe('kit');
    expect(t.resources?.subjects.inbox('a')).toContain('kit');
    const a = await host.spawn('a', setup({}).createMachine({ on: { '*': {} } }));
    a.runtime.tell('a', 'note', {});
    await trace.when((events) => events.some((e) => e.kind === 'recv' && e.type === 'note'));
    const closed = { value: false };
    t.track({ close: () => (closed.value = true) });
    const pid = t.nats.server.pid;
    expect(alive(pid)).toBe(true);
    await t.close();
    expect(closed.value).toBe(true);
    expect(t.nc.isClosed()).toBe(true);
    await until('the server process is gone', () => !alive(pid));
  });

  it('a watched trace resolves a wait at once when it already holds, else on the event', async () => {
    const trace = watchedTrace();
    trace.write(mark('first', 1_000));
    await trace.when((events) => events.length === 1);
    const second = trace.when((events) => events.some((e) => e.kind === 'mark' && e.name === 'b'));
    trace.write(mark('b', 2_500));
    await second;
    expect(runTimeline(trace.events)).toBe(['   0.00 a mark first', '   1.50 a mark b'].join('\n'));
  });

  it('finds the llm-teams bin of the installed lab package', () => {
    expect(existsSync(cliBin())).toBe(true);
    expect(cliBin()).toMatch(/lab\/bin\/llm-teams\.js$/);
  });
});

describe('useNats', () => {
  const nats = useNats({ before: beforeEach, after: afterEach });
  const seen: { pid: number | undefined; url: string }[] = [];

  it('starts a server with a connection for a test', async () => {
    seen.push({ pid: nats.server.pid, url: nats.url });
    expect(alive(nats.server.pid)).toBe(true);
    const other = await nats.connect('other');
    const got = new Promise<string>((resolve) => {
      other.subscribe('kit.ping', { max: 1, callback: (_e, m) => resolve(m.string()) });
    });
    await other.flush();
    nats.nc.publish('kit.ping', 'pong');
    expect(await got).toBe('pong');
  });

  it('and a fresh one for the next, the previous one stopped', () => {
    expect(seen).toHaveLength(1);
    expect(alive(seen[0]!.pid)).toBe(false);
    expect(nats.server.pid).not.toBe(seen[0]!.pid);
    expect(alive(nats.server.pid)).toBe(true);
  });
});
