import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  isSoleWriterKv,
  jetstreamManager,
  provisionTeam,
  soleWriterKeys,
  type KV,
} from '@llm-teams/broker';
import { useNats } from '@llm-teams/testkit';
import { bytes, shown } from './support/kv-entries.js';

describe('a bucket only this process writes (soleWriter) is read from what it wrote', () => {
  const nats = useNats({ before: beforeEach, after: afterEach });

  /** The team's board twice: read through the mirror, and as the server answers. */
  async function boards(team: string): Promise<{ mirrored: KV; server: KV }> {
    const mirrored = await (
      await provisionTeam(nats.nc, { team, storage: 'memory', soleWriter: true })
    ).bucket('board');
    const server = await (
      await provisionTeam(nats.nc, { team, storage: 'memory' })
    ).bucket('board');
    return { mirrored, server };
  }

  it('answers every read as the server does, through puts, compare-and-set, refusals, deletes and purges', async () => {
    const { mirrored: kv, server } = await boards('mirror');
    const keys = ['task.a', 'task.b', 'task.c', 'other'];
    const compare = async () => {
      for (const k of keys) expect(shown(await kv.get(k)), k).toEqual(shown(await server.get(k)));
    };
    await compare();
    const a1 = await kv.create('task.a', bytes('a1'));
    await kv.put('task.b', bytes('b1'));
    await compare();
    await kv.update('task.a', bytes('a2'), a1);
    await expect(kv.update('task.a', bytes('lost'), a1)).rejects.toThrow(/wrong last sequence/);
    await expect(kv.create('task.b', bytes('taken'))).rejects.toThrow(/wrong last sequence/);
    await compare();
    await kv.delete('task.b');
    await kv.purge('task.a');
    await compare();
    // A create after a delete is nats.js's second path: it reads the marker's revision.
    await kv.create('task.b', bytes('b2'));
    await kv.put('other', bytes('o'));
    await compare();
  });

  it("reads a bucket's earlier entries from the server once, then without a request", async () => {
    const { mirrored: kv, server } = await boards('earlier');
    await server.put('task.old', bytes('before'));
    expect(shown(await kv.get('task.old'))?.value).toBe('before');
    expect(await kv.get('task.none')).toBeNull();
    await kv.put('task.new', bytes('mine'));
    const sent = nats.nc.stats().outMsgs;
    for (let i = 0; i < 20; i++) {
      expect(shown(await kv.get('task.old'))?.value).toBe('before');
      expect(shown(await kv.get('task.new'))?.value).toBe('mine');
      expect(await kv.get('task.none')).toBeNull();
    }
    expect(nats.nc.stats().outMsgs).toBe(sent);
  });

  it("lists keys as the stream's subjects list them: sorted, deleted keys included, filtered", async () => {
    const { mirrored: kv } = await boards('listing');
    const team = await provisionTeam(nats.nc, { team: 'listing', storage: 'memory' });
    await (await team.bucket('board')).put('task.z', bytes('earlier'));
    for (const k of ['task.m', 'task.b', 'f.x', 'task.deep.k']) await kv.put(k, bytes(k));
    await kv.delete('task.b');
    const jsm = (kv as unknown as { jsm: ServerView }).jsm;
    const serverList = async (filter: string) =>
      Object.keys(
        (
          await jsm.streams.info(`KV_${team.buckets.board}`, {
            subjects_filter: `$KV.${team.buckets.board}.${filter}`,
          })
        ).state.subjects ?? {},
      ).map((s) => s.slice(`$KV.${team.buckets.board}.`.length));
    for (const filter of ['task.>', 'task.*', 'f.>', '>']) {
      expect(await soleWriterKeys(kv, filter), filter).toEqual(await serverList(filter));
    }
    expect(await soleWriterKeys(kv, 'task.*')).toEqual(['task.b', 'task.m', 'task.z']);
  });

  it('creates a bucket at its first write: before it a read finds the bucket empty, without its stream', async () => {
    const team = await provisionTeam(nats.nc, {
      team: 'lazy',
      storage: 'memory',
      soleWriter: true,
      messageStreams: false,
    });
    const jsm = await jetstreamManager(nats.nc);
    const streams = async () => (await jsm.streams.names().next()).sort();
    expect(await streams()).toEqual([]);
    const board = await team.bucket('board');
    expect(await board.get('task.a')).toBeNull();
    expect(await soleWriterKeys(board, 'task.>')).toEqual([]);
    expect(await streams()).toEqual([]);
    const rev = await board.put('task.a', bytes('a'));
    expect(rev).toBe(1);
    expect(shown(await board.get('task.a'))?.value).toBe('a');
    expect(await streams()).toEqual([`KV_${team.buckets.board}`]);
  });

  it('a fresh team lists nothing: its reads and listings before and after writes make no request, and it hears each bucket created', async () => {
    const created: string[] = [];
    const team = await provisionTeam(nats.nc, {
      team: 'fresh',
      storage: 'memory',
      soleWriter: true,
      messageStreams: false,
      fresh: { onCreated: (b) => created.push(b) },
    });
    const board = await team.bucket('board');
    const files = await team.bucket('files');
    const sent = nats.nc.stats().outMsgs;
    expect(await board.get('task.a')).toBeNull();
    expect(await soleWriterKeys(board, 'task.>')).toEqual([]);
    expect(await files.get('f.x')).toBeNull();
    expect(nats.nc.stats().outMsgs).toBe(sent);
    expect(created).toEqual([]);
    await board.put('task.b', bytes('b'));
    await board.put('task.a', bytes('a'));
    expect(created).toEqual(['board']);
    const written = nats.nc.stats().outMsgs;
    expect(shown(await board.get('task.a'))?.value).toBe('a');
    expect(await board.get('task.c')).toBeNull();
    expect(await soleWriterKeys(board, 'task.>')).toEqual(['task.a', 'task.b']);
    expect(nats.nc.stats().outMsgs).toBe(written);
    // As the server answers a new team's board: the same entries.
    const server = await (
      await provisionTeam(nats.nc, { team: 'fresh', storage: 'memory', messageStreams: false })
    ).bucket('board');
    for (const k of ['task.a', 'task.b', 'task.c'])
      expect(shown(await board.get(k)), k).toEqual(shown(await server.get(k)));
  });

  it('gives one handle per bucket, so what the snapshots handle writes another reads', async () => {
    const team = await provisionTeam(nats.nc, {
      team: 'handles',
      storage: 'memory',
      soleWriter: true,
    });
    const one = await team.bucket('snapshots');
    expect(await one.get('a1')).toBeNull();
    await one.put('a1', bytes('checkpoint'));
    expect(shown(await (await team.bucket('snapshots')).get('a1'))?.value).toBe('checkpoint');
    expect(isSoleWriterKv(one)).toBe(true);
    const plain = await (
      await provisionTeam(nats.nc, { team: 'handles', storage: 'memory' })
    ).bucket('snapshots');
    expect(isSoleWriterKv(plain)).toBe(false);
  });

  it('is seen through a view made from it, as a gate wrapping its methods makes', async () => {
    // A controlled run's lease keeper writes through such a view: taken for a plain bucket,
    // its compare-and-set made a request no schedule step waited for, and replays diverged.
    const team = await provisionTeam(nats.nc, {
      team: 'views',
      storage: 'memory',
      soleWriter: true,
    });
    const leases = await team.bucket('leases');
    await leases.put('coordinator', bytes('c1'));
    const view = Object.create(leases) as typeof leases;
    expect(isSoleWriterKv(view)).toBe(true);
    expect(await soleWriterKeys(view, '>')).toEqual(['coordinator']);
    expect(isSoleWriterKv(Object.create(view) as typeof leases)).toBe(true);
  });
});

interface ServerView {
  streams: {
    info(
      name: string,
      opts: { subjects_filter: string },
    ): Promise<{ state: { subjects?: Record<string, number> } }>;
  };
}
