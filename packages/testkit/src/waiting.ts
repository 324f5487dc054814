/**
 * Waiting on events instead of sleeping.
 *
 * System time: tests wait on real servers and processes; the deadline only turns a hang into a
 * failure.
 */
import type { NatsConnection } from '@llm-teams/broker';

/**
 * Resolves once `predicate` holds, polling after each macrotask. Tests use it to wait on an
 * observable condition (a message counted, a trace line written) instead of sleeping; the
 * guard `timeoutMs` only turns a hang into a failure that names what was awaited.
 */
export async function until(
  what: string,
  predicate: () => boolean | Promise<boolean>,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A promise with its resolve / reject exposed. */
export function deferred<T = void>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Resolves with the next permission error the server reports on `nc` (a publish or
 *  subscription its credentials do not allow). */
export async function nextPermissionError(nc: NatsConnection): Promise<string> {
  for await (const status of nc.status()) {
    if (status.type === 'error' && /Permissions Violation/.test(status.error.message)) {
      return status.error.message;
    }
  }
  throw new Error('connection closed without a permission error');
}
