import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBucketPool, jetstreamManager, type BucketPool, type KV } from '@llm-teams/broker';
import { useNats } from '@llm-teams/testkit';
import { bytes, shown } from './support/kv-entries.js';

/** Writes and reads one run might make, and what each read showed. */
async function script(kv: KV): Promise<unknown[]> {
  const out: unknown[] = [];
  const a1 = await kv.create('task.a', bytes('a1'));
  out.push(a1, await kv.put('task.b', bytes('b1')));
  out.push(await kv.update('task.a', bytes('a2'), a1));
  out.push(await kv.update('task.a', bytes('lost'), a1).catch((e: Error) => e.message));
  out.push(await kv.create('task.b', bytes('taken')).catch((e: Error) => e.message));
  await kv.delete('task.b');
  out.push(shown(await kv.get('task.b')));
  // nats.js's second path of a create: it reads the delete marker's revision and expects it.
  out.push(await kv.create('task.b', bytes('b2')));
  out.push(shown(await kv.get('task.a', { revision: a1 })));
  for (const k of ['task.a', 'task.b', 'task.none']) out.push(shown(await kv.get(k)));
  return out;
}

describe('a pool of buckets for controlled runs', () => {
  const nats = useNats({ before: beforeEach, after: afterEach });
  let pool: BucketPool;
  beforeEach(async () => {
    pool = await createBucketPool(nats.nc, { name: 'pooltest' });
  });
  afterEach(() => pool.close());

  const streams = async () => {
    const jsm = await jetstreamManager(nats.nc);
    const names: string[] = [];
    for await (const s of jsm.streams.list()) names.push(s.config.name);
    return names.sort();
  };

  it('hands a set back emptied, its revisions counted from 1 as in a new bucket', async () => {
    const first = await pool.take();
    const firstShown = await script(await first.bucket('board'));
    expect(firstShown[0]).toBe(1);
    first.release();
    const again = await pool.take();
    const board = await again.bucket('board');
    // Nothing of the first run is left to read.
    expect(await board.get('task.a')).toBeNull();
    expect(await script(board)).toEqual(firstShown);
    again.release();
    // Still one set: the bucket was reused, not made again.
    expect(await streams()).toEqual(['KV_llmt_pooltest_0_board']);
  });

  it("counts where the stream stands from the run's writes, and asks the stream when one may have gone unheard", async () => {
    const infos: string[] = [];
    const request = nats.nc.request.bind(nats.nc);
    nats.nc.request = (subject, ...rest) => {
      if (subject.startsWith('$JS.API.STREAM.INFO.')) infos.push(subject);
      return request(subject, ...rest);
    };
    const first = await pool.take();
    const firstShown = await script(await first.bucket('board'));
    infos.length = 0; // creating the bucket looked for it first
    first.release();
    const second = await pool.take();
    const board = await second.bucket('board');
    expect(await script(board)).toEqual(firstShown);
    expect(infos).toEqual([]);
    // Failed without a compare-and-set refusal: the run cannot say what it appended.
    await expect(board.put('not a key!', bytes('x'))).rejects.toThrow(/invalid key/);
    second.release();
    const third = await pool.take();
    expect(await script(await third.bucket('board'))).toEqual(firstShown);
    expect(infos).toEqual(['$JS.API.STREAM.INFO.KV_llmt_pooltest_0_board']);
  });

  it('gives a second set while the first is in use, and hands out no set released as still in use', async () => {
    const a = await pool.take();
    const b = await pool.take();
    await (await a.bucket('files')).put('f.x', bytes('a'));
    await (await b.bucket('files')).put('f.x', bytes('b'));
    a.release({ reuse: false });
    b.release();
    const c = await pool.take();
    expect(shown(await (await c.bucket('files')).get('f.x'))).toBeNull();
    expect(await streams()).toEqual(['KV_llmt_pooltest_0_files', 'KV_llmt_pooltest_1_files']);
    const d = await pool.take();
    await (await d.bucket('files')).put('f.y', bytes('d'));
    // The set released as in use was not handed out again: a third one was made.
    expect(await streams()).toContain('KV_llmt_pooltest_2_files');
    await pool.close();
    expect(await streams()).toEqual([]);
  });

  it("refuses the history and watch of an emptied bucket (they would show an earlier run's revisions), and holds no limits bucket", async () => {
    const first = await pool.take();
    await (await first.bucket('leases')).put('coordinator', bytes('c1'));
    first.release();
    const again = await pool.take();
    const leases = await again.bucket('leases');
    await expect(leases.history({ key: 'coordinator' })).rejects.toThrow(
      /llmt_pooltest_0_leases was emptied after an earlier run: its history/,
    );
    await expect(leases.watch()).rejects.toThrow(/its watch would show/);
    expect(again.holds('limits')).toBe(false);
    expect(again.holds('board')).toBe(true);
  });

  it('refuses a take once closed', async () => {
    await pool.close();
    await expect(pool.take()).rejects.toThrow(/bucket pool pooltest is closed/);
  });
});
