import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kvm } from '@nats-io/kv';
import type { KV, NatsConnection } from '@llm-teams/broker';
import {
  casCreate,
  casUpdate,
  CasConflictError,
  claimMember,
  createWorkspaceStore,
  type MemberClaim,
} from '@llm-teams/agents';
import { startNatsClusterFixture, type NatsClusterFixture } from '@llm-teams/testkit';

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

// A clustered nats-server may let several compare-and-sets naming one revision through when
// they arrive together (the expected revision is checked before the replicated write). Each
// round below sends five at once; on this machine's nats-server most rounds let more than one
// through without casUpdate's check, but not every round does, so the rounds go on until the
// check has refused at least once (or a cap that no healthy run comes near).
// As the team's replicated buckets are (broker's team-resources.ts): no direct gets, which a
// follower may answer before it has the last write, so a read after the writes could see a
// value the check had already replaced (it did, on a loaded machine).
const REPLICATED = { replicas: 3, history: 10, allow_direct: false };

describe('compare-and-set on a replicated bucket', () => {
  let fx: NatsClusterFixture;
  let nc: NatsConnection;
  let kv: KV;
  beforeAll(async () => {
    fx = await startNatsClusterFixture({ nodes: 3 });
    nc = await fx.connect();
    kv = await new Kvm(nc).create('cas_test', REPLICATED);
  }, 60_000);
  afterAll(() => fx.close());

  it("of several updates of one revision sent together, one wins and the rest fail; the winner's value stays", async () => {
    let refusedByCheck = 0;
    for (let round = 0; round < 5 || (refusedByCheck === 0 && round < 40); round++) {
      const base = await kv.put('k', bytes('base'));
      const results = await Promise.allSettled(
        Array.from({ length: 5 }, (_, i) => casUpdate(kv, 'k', bytes(`w${round}.${i}`), base)),
      );
      const won = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []));
      expect(won, `round ${round}`).toHaveLength(1);
      // Refused by the server's own check, or by casUpdate's (CasConflictError): one message.
      for (const r of results) {
        if (r.status === 'rejected') expect(String(r.reason)).toMatch(/wrong last sequence/);
        if (r.status === 'rejected' && r.reason instanceof CasConflictError) refusedByCheck++;
      }
      const last = await kv.get('k');
      expect(text(last!.value)).toBe(`w${round}.${won[0]}`);
    }
    // The server let more than one update through at least once: the check did the refusing.
    expect(refusedByCheck).toBeGreaterThan(0);
  });

  it('the workspace: of writers of one revision at once, one write succeeds and its content is what stays', async () => {
    const files = await new Kvm(nc).create('cas_files', REPLICATED);
    const ws = createWorkspaceStore(files);
    const first = await ws.write('src/a.js', 'v0', 0, 'a0');
    expect(first.ok).toBe(true);
    const base = (first as { rev: number }).rev;
    const results = await Promise.all(
      ['a1', 'a2', 'a3', 'a4'].map((who) => ws.write('src/a.js', `by ${who}`, base, who)),
    );
    const ok = results.filter((r) => r.ok);
    expect(ok).toHaveLength(1);
    const winner = ['a1', 'a2', 'a3', 'a4'][results.findIndex((r) => r.ok)]!;
    expect((await ws.read('src/a.js'))?.content).toBe(`by ${winner}`);
  });

  it("of several creates of one key sent together, one wins and the rest fail; the winner's value stays, also after a delete", async () => {
    let refusedByCheck = 0;
    for (let round = 0; round < 6 || (refusedByCheck === 0 && round < 40); round++) {
      const key = `c${round % 3}`;
      // From round 3 on, keys deleted since are created again: the first put after the delete wins.
      if (round >= 3) await kv.delete(key);
      const results = await Promise.allSettled(
        Array.from({ length: 5 }, (_, i) => casCreate(kv, key, bytes(`c${round}.${i}`))),
      );
      const won = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []));
      expect(won, `round ${round}`).toHaveLength(1);
      for (const r of results) {
        if (r.status === 'rejected') expect(String(r.reason)).toMatch(/wrong last sequence/);
        if (r.status === 'rejected' && r.reason instanceof CasConflictError) refusedByCheck++;
      }
      const last = await kv.get(key);
      expect(text(last!.value)).toBe(`c${round}.${won[0]}`);
    }
    // The server let more than one create through at least once: the check did the refusing.
    expect(refusedByCheck).toBeGreaterThan(0);
  });

  it('the workspace: of writers creating one new file at once, one succeeds and its content stays', async () => {
    const files = await new Kvm(nc).create('cas_new_files', REPLICATED);
    const ws = createWorkspaceStore(files);
    const who = ['a1', 'a2', 'a3', 'a4'];
    const results = await Promise.all(who.map((w) => ws.write('src/new.js', `by ${w}`, 0, w)));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    const winner = who[results.findIndex((r) => r.ok)]!;
    expect((await ws.read('src/new.js'))?.content).toBe(`by ${winner}`);
  });

  it('member claims: of hosts claiming a released member at once, one gets it and the others hear where it is live', async () => {
    const claims = await new Kvm(nc).create('cas_claims', REPLICATED);
    const claim = (host: string) =>
      // A held claim is renewed every 100 ms and the others refuse at its first renewal: the
      // ttl only bounds how long a renewal may take on a loaded machine before it is stale.
      claimMember({ kv: claims, member: 'w1', node: host, host, renewMs: 100, ttlMs: 30_000 });
    let held: MemberClaim = await claim('h0');
    for (let round = 1; round <= 3; round++) {
      await held.release();
      const hosts = [1, 2, 3, 4].map((i) => `r${round}h${i}`);
      const results = await Promise.allSettled(hosts.map(claim));
      const got = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
      expect(got, `round ${round}`).toHaveLength(1);
      for (const r of results) {
        if (r.status === 'rejected') expect(String(r.reason)).toMatch(/is live on node r\d+h\d/);
      }
      held = got[0]!;
      const live = JSON.parse(text((await claims.get('member.w1'))!.value)) as { host: string };
      expect(live.host).toBe(hosts[results.findIndex((r) => r.status === 'fulfilled')]);
    }
    await held.release();
  });
});
