import type { TraceEvent } from '@llm-teams/runtime';

/** What the `run.start` mark of a run's trace says about the run. */
export interface RunStartInfo {
  arch?: string;
  agents?: number;
  model?: string;
  seed?: string;
  timeScale?: number;
  suite?: string;
  p?: number;
  tasks: { id: string; deps: string[]; files?: string[] }[];
}

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** Reads the first `run.start` mark (what `runTeam` records in the director's lane). */
export function readRunStart(events: readonly TraceEvent[]): RunStartInfo | undefined {
  const mark = events.find((e) => e.kind === 'mark' && e.name === 'run.start');
  if (!mark || mark.kind !== 'mark') return undefined;
  const tasks: RunStartInfo['tasks'] = [];
  if (Array.isArray(mark['tasks'])) {
    for (const t of mark['tasks'] as { id?: unknown; deps?: unknown; files?: unknown }[]) {
      if (typeof t.id !== 'string') continue;
      const deps = Array.isArray(t.deps) ? t.deps.filter((d) => typeof d === 'string') : [];
      const files = Array.isArray(t.files)
        ? t.files.filter((f) => typeof f === 'string')
        : undefined;
      tasks.push({ id: t.id, deps, ...(files ? { files } : {}) });
    }
  }
  const info: RunStartInfo = { tasks };
  const set = <K extends keyof RunStartInfo>(k: K, v: RunStartInfo[K] | undefined) => {
    if (v !== undefined) info[k] = v;
  };
  set('arch', str(mark['arch']));
  set('agents', num(mark['agents']));
  set('model', str(mark['model']));
  set(
    'seed',
    str(mark['seed']) ?? (num(mark['seed']) !== undefined ? String(mark['seed']) : undefined),
  );
  set('timeScale', num(mark['timeScale']));
  set('suite', str(mark['suite']));
  set('p', num(mark['p']));
  return info;
}
