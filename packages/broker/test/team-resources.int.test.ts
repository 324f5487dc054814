import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  connectNats,
  jetstreamManager,
  openTeamResources,
  provisionTeam,
  startNatsServer,
  type NatsConnection,
  type NatsServer,
} from '@llm-teams/broker';

describe("a team's streams are bounded", () => {
  let server: NatsServer;
  let nc: NatsConnection;
  beforeEach(async () => {
    server = await startNatsServer();
    nc = await connectNats({ servers: server.url });
  });
  afterEach(async () => {
    await nc.close();
    await server.close();
  });

  it('keeps the documented limits on the inbox and dead-letter streams', async () => {
    const r = await provisionTeam(nc, { team: 'bounds' });
    const jsm = await jetstreamManager(nc);
    const inbox = (await jsm.streams.info(r.inboxStream)).config;
    expect(inbox.max_msgs_per_subject).toBe(100_000);
    const dlq = (await jsm.streams.info(r.dlqStream)).config;
    expect(dlq.max_msgs).toBe(100_000);
    expect(dlq.discard).toBe('old');
  });

  it("a flood on the durable inbox of an actor nobody runs keeps only that inbox's newest messages; the DLQ its newest", async () => {
    const r = await provisionTeam(nc, {
      team: 'flood',
      inboxMaxMsgsPerActor: 3,
      dlqMaxMsgs: 4,
    });
    for (let i = 0; i < 10; i++) nc.publish(r.subjects.durableInbox('ghost'), new Uint8Array([i]));
    nc.publish(r.subjects.durableInbox('real'), new Uint8Array([99]));
    for (let i = 0; i < 10; i++) nc.publish(r.subjects.dlq, new Uint8Array(1000));
    await nc.flush();
    const jsm = await jetstreamManager(nc);
    const inbox = await jsm.streams.info(r.inboxStream, { subjects_filter: '>' });
    expect(inbox.state.subjects).toEqual({
      [r.subjects.durableInbox('ghost')]: 3,
      [r.subjects.durableInbox('real')]: 1,
    });
    const dlq = await jsm.streams.info(r.dlqStream);
    expect(dlq.state.messages).toBe(4);
  });

  it('provisioning again is idempotent, and with other limits updates the streams', async () => {
    await provisionTeam(nc, { team: 'again', storage: 'memory' });
    await provisionTeam(nc, { team: 'again', storage: 'memory' });
    const r = await provisionTeam(nc, {
      team: 'again',
      storage: 'memory',
      inboxMaxMsgsPerActor: 7,
    });
    const jsm = await jetstreamManager(nc);
    expect((await jsm.streams.info(r.inboxStream)).config.max_msgs_per_subject).toBe(7);
  });

  it('reads a one-replica bucket with direct gets, whether provisioned here or joined', async () => {
    const seen: string[] = [];
    const watcher = await connectNats({ servers: server.url });
    try {
      // Requests to the direct-get API reach every subscriber of its subject; the server answers.
      const sub = watcher.subscribe('$JS.API.>', {
        callback: (_e, m) => {
          seen.push(m.subject);
        },
      });
      await watcher.flush();
      const provisioned = await provisionTeam(nc, { team: 'direct', storage: 'memory' });
      const joined = await openTeamResources(nc, { team: 'direct' });
      for (const r of [provisioned, joined]) {
        const board = await r.bucket('board');
        await board.put('t1', new TextEncoder().encode('open'));
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
