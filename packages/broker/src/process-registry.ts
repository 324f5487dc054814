import { rmSync } from 'node:fs';

/**
 * Children and temporary directories this process must not leave behind. One `exit` hook
 * kills what is still running and removes the directories, so a test or command that ends
 * without calling `stop()` leaves nothing behind; signals are re-raised after cleanup.
 */
interface Owned {
  kill(): void;
  dir?: string;
}

const owned = new Set<Owned>();
let hooked = false;

function cleanupAll(): void {
  for (const item of owned) {
    try {
      item.kill();
    } catch {
      // Already gone.
    }
    if (item.dir) rmSync(item.dir, { recursive: true, force: true });
  }
  owned.clear();
}

function hook(): void {
  if (hooked) return;
  hooked = true;
  process.once('exit', cleanupAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      cleanupAll();
      // Only re-raise when nobody else handles the signal: then the default (exit) applies.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    });
  }
}

export function own(item: Owned): () => void {
  hook();
  owned.add(item);
  return () => owned.delete(item);
}
