import type { TraceEvent } from '@llm-teams/runtime';

/**
 * A failed run's story, for an assertion message: marks, faults and task messages with their
 * time since the first event, the last `max` of them. A chaos test that fails in CI then says
 * in its own output what the team was doing (the trace itself is gone with the runner).
 */
export function runTimeline(events: readonly TraceEvent[], max = 80): string {
  const t0 = events[0]?.wall ?? 0;
  const lines: string[] = [];
  for (const e of events) {
    const f = e as unknown as Record<string, unknown>;
    const type = typeof f['type'] === 'string' ? f['type'] : '';
    const story =
      (e.kind === 'mark' && f['name'] !== 'model.context') ||
      e.kind === 'fault' ||
      ((e.kind === 'send' || e.kind === 'recv') && /^(task|vote)\./.test(type));
    if (!story) continue;
    const text = (k: string) => (typeof f[k] === 'string' ? f[k] : undefined);
    const what = text('name') ?? text('fault') ?? type;
    const peer = text('to') ?? text('from') ?? '';
    const more = ['msgId', 'attempt', 'redelivered', 'dup', 'error', 'reason', 'worker', 'nodes']
      .filter((k) => f[k] !== undefined)
      .map((k) => `${k}=${JSON.stringify(f[k])}`)
      .join(' ');
    lines.push(
      `${((e.wall - t0) / 1000).toFixed(2).padStart(7)} ${e.actor} ${e.kind} ${what} ${peer} ${more}`.trimEnd(),
    );
  }
  const cut = lines.length - max;
  return (cut > 0 ? [`(${cut} earlier lines)`, ...lines.slice(cut)] : lines).join('\n');
}
