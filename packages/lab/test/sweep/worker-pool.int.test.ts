import { describe, expect, it } from 'vitest';
import { findFreePort } from '@llm-teams/broker';
import { DEFAULT_RUN_SPEC, createWorkerPool } from '@llm-teams/lab';

describe('sweep worker pool', () => {
  it('a worker that cannot connect fails its job with the reason instead of leaving it waiting', async () => {
    // Nothing listens on this port: the worker's connect is refused.
    const port = await findFreePort();
    const pool = createWorkerPool({ size: 1, natsUrl: `nats://127.0.0.1:${port}` });
    try {
      // The job never starts: what it would run does not matter.
      const job = pool.run({ team: 'pool-fail', spec: { ...DEFAULT_RUN_SPEC } });
      await expect(job).rejects.toThrow(/sweep worker sweep-w1 exited \(code 1\): .*connect/i);
    } finally {
      await pool.close();
    }
  });
});
