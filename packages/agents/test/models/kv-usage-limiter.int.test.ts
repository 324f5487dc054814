import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { provisionTeam, type KV, type NatsConnection } from '@llm-teams/broker';
import { systemClock, type Clock } from '@llm-teams/runtime';
import {
  createKvUsageLimiter,
  createPriceTable,
  isModelError,
  type BudgetExceeded,
  type KvUsageLimiter,
  type UsageLimits,
} from '../../src/models/index.js';
import { deferred, startNatsFixture, type NatsFixture } from '@llm-teams/testkit';
import { createTestClock } from '@llm-teams/testkit';

const call = (agentId: string, inputTokens: number, outputTokens = 0, model = 'sim:gpt-5.2') => ({
  model,
  agentId,
  inputTokens,
  outputTokens,
});

describe('team-wide limits in NATS KV (two nodes: two connections, two limiters)', () => {
  let nats: NatsFixture;
  let buckets: KV[];
  const limiters: KvUsageLimiter[] = [];
  const connections: NatsConnection[] = [];
  beforeEach(async () => {
    nats = await startNatsFixture();
    buckets = [];
    for (let i = 0; i < 2; i++) {
      const nc = await nats.connect();
      connections.push(nc);
      const resources = await provisionTeam(nc, { team: 'lim' });
      buckets.push(await resources.bucket('limits'));
    }
  });
  afterEach(async () => {
    for (const l of limiters.splice(0)) await l.close();
    for (const nc of connections.splice(0)) await nc.close();
    await nats.close();
  });

  function nodes(
    limits: UsageLimits,
    clock: Clock = systemClock,
  ): { a: KvUsageLimiter; b: KvUsageLimiter; heard: Promise<BudgetExceeded>[] } {
    const heard = [deferred<BudgetExceeded>(), deferred<BudgetExceeded>()];
    const [a, b] = buckets.map((kv, i) =>
      createKvUsageLimiter({
        kv,
        limits,
        timeScale: 1,
        clock,
        prices: createPriceTable(),
        onBudgetExceeded: (why) => heard[i]!.resolve(why),
      }),
    );
    limiters.push(a!, b!);
    return { a: a!, b: b!, heard: heard.map((d) => d.promise) };
  }

  it('share one budget: the call that would pass it is refused, and every node hears the team is over', async () => {
    const { a, b, heard } = nodes({ budget: { tokens: 1000 } });
    await (await a.admit(call('a1', 400))).settle({ inputTokens: 350, outputTokens: 50 });
    await (await b.admit(call('a2', 400))).settle({ inputTokens: 400, outputTokens: 0 });
    const refused = await a.admit(call('a1', 300)).catch((e: unknown) => e);
    expect(isModelError(refused, 'BUDGET_EXCEEDED')).toBe(true);
    expect((refused as Error).message).toBe(
      "Team budget of 1000 tokens exceeded: a1's call to sim:gpt-5.2 (estimated 300 tokens) on top of 800 tokens spent or in flight across the team",
    );
    const [onA, onB] = await Promise.all(heard);
    expect(onA).toMatchObject({ kind: 'tokens', limit: 1000, committed: 800, requested: 300 });
    expect(onB).toEqual(onA);
    // A call that would fit is refused too: the team is stopping.
    const later = await b.admit(call('a2', 10)).catch((e: unknown) => e);
    expect((later as Error).message).toMatch(/\(the team is stopping\)$/);
    expect(await b.spent()).toMatchObject({ tokens: 800 });
  });

  it('calls in flight hold their estimate, so concurrent calls on two nodes never overrun it', async () => {
    const { a, b } = nodes({ budget: { tokens: 1000 } });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 16 }, (_, i) => (i % 2 === 0 ? a : b).admit(call(`a${i}`, 100))),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(10);
    // A released call gives its estimate back; a settled one counts what it used.
    const permits = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
    await Promise.all(
      permits.map((p, i) => (i < 5 ? p.release() : p.settle({ inputTokens: 90, outputTokens: 0 }))),
    );
    expect(await a.spent()).toMatchObject({ tokens: 450 });
  });

  it("share a provider's requests per minute: past it a call waits for the bucket to refill", async () => {
    const clock = createTestClock();
    const { a, b } = nodes({ rates: { sim: { requestsPerMinute: 2 } } }, clock);
    expect((await a.admit(call('a1', 10))).waitedModelMs).toBe(0);
    expect((await b.admit(call('a2', 10))).waitedModelMs).toBe(0);
    // Another provider has its own bucket (none here: not limited).
    expect((await b.admit(call('a2', 10, 0, 'openai:gpt-5.2'))).waitedModelMs).toBe(0);
    const third = a.admit(call('a1', 10));
    await clock.waitForTimer((ms) => ms === 30_000);
    clock.fire();
    expect((await third).waitedModelMs).toBe(30_000);
  });

  it('tokens per minute count what calls used: an estimate larger than the use is given back', async () => {
    const clock = createTestClock();
    const { a, b } = nodes({ rates: { sim: { tokensPerMinute: 1000 } } }, clock);
    const big = await a.admit(call('a1', 600, 200));
    await big.settle({ inputTokens: 150, outputTokens: 50 });
    // 200 used of 1000: 700 more fit at once, on the other node.
    expect((await b.admit(call('a2', 700))).waitedModelMs).toBe(0);
    const next = b.admit(call('a2', 400));
    await clock.waitForTimer(() => true);
    expect(clock.pending()).toEqual([18_000]);
    clock.fire();
    expect((await next).waitedModelMs).toBe(18_000);
  });
});
