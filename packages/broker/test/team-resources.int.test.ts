import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { jetstreamManager, openTeamResources, provisionTeam } from '@llm-teams/broker';
import { useNats } from '@llm-teams/testkit';

describe("a team's streams are bounded", () => {
  const nats = useNats({ before: beforeEach, after: afterEach });

  it('keeps the documented limits on the inbox and dead-letter streams', async () => {
    const r = await provisionTeam(nats.nc, { team: 'bounds' });
    const jsm = await jetstreamManager(nats.nc);
    const inbox = (await jsm.streams.info(r.inboxStream)).config;
    expect(inbox.max_msgs_per_subject).toBe(100_000);
    const dlq = (await jsm.streams.info(r.dlqStream)).config;
    expect(dlq.max_msgs).toBe(100_000);
    expect(dlq.discard).toBe('old');
  });

  it("a flood on the durable inbox of an actor nobody runs keeps only that inbox's newest messages; the DLQ its newest", async () => {
    const r = await provisionTeam(nats.nc, {
      team: 'flood',
      inboxMaxMsgsPerActor: 3,
      dlqMaxMsgs: 4,
    });
    for (let i = 0; i < 10; i++)
      nats.nc.publish(r.subjects.durableInbox('ghost'), new Uint8Array([i]));
    nats.nc.publish(r.subjects.durableInbox('real'), new Uint8Array([99]));
    for (let i = 0; i < 10; i++) nats.nc.publish(r.subjects.dlq, new Uint8Array(1000));
    await nats.nc.flush();
    const jsm = await jetstreamManager(nats.nc);
    const inbox = await jsm.streams.info(r.inboxStream, { subjects_filter: '>' });
    expect(inbox.state.subjects).toEqual({
      [r.subjects.durableInbox('ghost')]: 3,
      [r.subjects.durableInbox('real')]: 1,
    });
    const dlq = await jsm.streams.info(r.dlqStream);
    expect(dlq.state.messages).toBe(4);
  });

  it('provisioning again is idempotent, and with other limits updates the streams', async () => {
    await provisionTeam(nats.nc, { team: 'again', storage: 'memory' });
    await provisionTeam(nats.nc, { team: 'again', storage: 'memory' });
    const r = await provisionTeam(nats.nc, {
      team: 'again',
      storage: 'memory',
      inboxMaxMsgsPerActor: 7,
    });
    const jsm = await jetstreamManager(nats.nc);
    expect((await jsm.streams.info(r.inboxStream)).config.max_msgs_per_subject).toBe(7);
  });

  it('reads a one-replica bucket with direct gets, whether provisioned here or joined', async () => {
    const seen: string[] = [];
    const watcher = await nats.connect();
    try {
      // Requests to the direct-get API reach every subscriber of its subject; the server answers.
      const sub = watcher.subscribe('$JS.API.>', {
        callback: (_e, m) => {
          seen.push(m.subject);
        },
      });
      await watcher.flush();
      const provisioned = await provisionTeam(nats.nc, { team: 'direct', storage: 'memory' });
      const joined = await openTeamResources(nats.nc, { team: 'direct' });
      for (const r of [provisioned, joined]) {
        const board = await r.bucket('board');
        await board.put('t1', new TextEncoder().encode('open'));
        // The opening's requests reach the watcher on its own connection: wait for them
        // before forgetting them, or one lands among the get's.
        await watcher.flush();
        seen.length = 0;
        expect((await board.get('t1'))?.string()).toBe('open');
        await watcher.flush();
        expect(seen).toEqual(['$JS.API.DIRECT.GET.KV_llmt_direct_board.$KV.llmt_direct_board.t1']);
      }
      sub.unsubscribe();
    } finally {
      await watcher.close();
    }
  });
});
