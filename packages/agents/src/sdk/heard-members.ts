import type { NatsConnection } from '@llm-teams/broker';
import { decodeHeartbeat, type Clock } from '@llm-teams/runtime';

/** The members of `wanted` whose heartbeat is heard on `subject` within `timeoutMs`. */
export async function heardMembers(
  nc: NatsConnection,
  subject: string,
  wanted: readonly string[],
  timeoutMs: number,
  clock: Clock,
): Promise<string[]> {
  const got = new Set<string>();
  return new Promise((resolve) => {
    const done = () => {
      clock.clearTimeout(timer);
      sub.unsubscribe();
      resolve([...got]);
    };
    const sub = nc.subscribe(subject, {
      callback: (err, msg) => {
        const hb = err ? undefined : decodeHeartbeat(msg.data);
        if (hb && wanted.includes(hb.actor)) got.add(hb.actor);
        if (got.size === wanted.length) done();
      },
    });
    const timer = clock.setTimeout(done, timeoutMs);
  });
}
