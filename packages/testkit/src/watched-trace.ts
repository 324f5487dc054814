import type { TraceEvent, TraceSink } from '@llm-teams/runtime';
import { deferred } from './waiting.js';

/** A trace in memory that a test can wait on. */
export interface WatchedTrace extends TraceSink {
  /** Every event written so far, in order. */
  readonly events: TraceEvent[];
  /** Resolves once `test` holds over the events so far (at once if it already does). */
  when: (test: (events: TraceEvent[]) => boolean) => Promise<void>;
}

/** A trace sink that keeps its events and lets a test wait for a condition over them. */
export function watchedTrace(): WatchedTrace {
  const events: TraceEvent[] = [];
  const waiters: { test: (e: TraceEvent[]) => boolean; resolve: () => void }[] = [];
  return {
    events,
    write(e) {
      events.push(e);
      for (const w of [...waiters]) {
        if (w.test(events)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve();
        }
      }
    },
    when(test) {
      const d = deferred();
      if (test(events)) d.resolve();
      else waiters.push({ test, resolve: d.resolve });
      return d.promise;
    },
  };
}
