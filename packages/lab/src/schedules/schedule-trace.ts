/**
 * System time: a name unique among the processes on a shared server takes the machine's time; no
 * outcome depends on it.
 */
import { createHash } from 'node:crypto';
import { threadId } from 'node:worker_threads';
import type { TraceEvent } from '@llm-teams/runtime';

let made = 0;

/**
 * A team name no other run on the server has, always 20 characters long: the name is inside
 * every envelope, and byte counts in the trace (dead letters) must not differ between a run
 * and its replay. Threads of one process (a search's) count apart: the thread's id leads the
 * count.
 */
export function uniqueTeamName(): string {
  const part = (n: number, width: number) => n.toString(36).padStart(width, '0').slice(-width);
  return `s${part(Date.now(), 9)}${part(process.pid, 4)}${part(threadId, 2)}${part(made++, 4)}`;
}

/**
 * A trace as a replay must reproduce it: one line per event, without wall-clock fields
 * (`wall`, `sentAt`-derived latencies are virtual anyway, but a trace compared across
 * machines should not depend on them) and with the run's team name, unique per run, replaced.
 */
export function normalizeTrace(events: readonly TraceEvent[], team: string): string[] {
  return events.map((e) => {
    const { wall: _wall, ...rest } = e;
    return JSON.stringify(rest).replaceAll(team, '<team>');
  });
}

/** SHA-256 of the lines, each ended by a newline (hashed at once: one update per line cost
 *  more than the hashing). */
export function traceDigest(lines: readonly string[]): string {
  return createHash('sha256')
    .update(lines.length === 0 ? '' : `${lines.join('\n')}\n`)
    .digest('hex');
}

/** Where two normalised traces first differ, or undefined when they are equal. */
export function firstTraceDifference(
  expected: readonly string[],
  actual: readonly string[],
): { index: number; expected: string | undefined; actual: string | undefined } | undefined {
  const n = Math.max(expected.length, actual.length);
  for (let i = 0; i < n; i++) {
    if (expected[i] !== actual[i]) return { index: i, expected: expected[i], actual: actual[i] };
  }
  return undefined;
}
