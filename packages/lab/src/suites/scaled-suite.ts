import type { TaskSpec, TaskSuite } from '@llm-teams/agents';

/** The task id of copy `c` (from 1) of a task: the original for copy 1. */
export const copyId = (id: string, c: number): string => (c === 1 ? id : `${id}-c${c}`);

const copyPath = (path: string, c: number): string => (c === 1 ? path : `c${c}/${path}`);

function prefixKeys(files: Record<string, string>, c: number): Record<string, string> {
  return Object.fromEntries(Object.entries(files).map(([p, v]) => [copyPath(p, c), v]));
}

/**
 * A workload that grows with the team (Gustafson's setting): `copies` independent copies of the
 * suite's task graph. Copy c > 1 renames each task `<id>-c<c>` and moves its files under `c<c>/`;
 * tests import their modules by relative paths, so each copy tests its own files. The critical
 * path stays one copy's while the work grows `copies` times, so 1 - p shrinks `copies` times.
 */
export function scaleSuite(suite: TaskSuite, copies: number): TaskSuite {
  if (!Number.isInteger(copies) || copies < 1) {
    throw new RangeError(`copies must be a positive integer, got ${copies}`);
  }
  const tasks: TaskSpec[] = [];
  for (let c = 1; c <= copies; c++) {
    for (const t of suite.tasks) {
      tasks.push({
        ...t,
        id: copyId(t.id, c),
        files: t.files.map((p) => copyPath(p, c)),
        deps: t.deps.map((d) => copyId(d, c)),
        reference: prefixKeys(t.reference, c),
        tests: prefixKeys(t.tests, c),
        ...(t.mistakes
          ? { mistakes: t.mistakes.map((m) => ({ ...m, files: prefixKeys(m.files, c) })) }
          : {}),
      });
    }
  }
  return { ...suite, tasks };
}
