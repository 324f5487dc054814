/**
 * In-memory task board and workspace with the same compare-and-set semantics as the KV ones,
 * for unit tests of agent, coordinator and tool logic without NATS. (The product always uses
 * JetStream KV; these exist only so logic can be tested on its own.)
 */
import type {
  TaskBoard,
  TaskSpec,
  TestRunner,
  VersionedEntry,
  WorkspaceFile,
  WorkspaceStore,
} from '../../src/index.js';

export function createMemoryBoard(): TaskBoard & { entries: Map<string, VersionedEntry> } {
  const entries = new Map<string, VersionedEntry>();
  let rev = 0;
  return {
    entries,
    init(tasks) {
      for (const t of tasks)
        if (!entries.has(t.id))
          entries.set(t.id, {
            entry: { id: t.id, deps: [...t.deps], status: 'open', claims: 0 },
            rev: ++rev,
          });
      return Promise.resolve();
    },
    get: (id) => {
      const v = entries.get(id);
      return Promise.resolve(v && { entry: { ...v.entry }, rev: v.rev });
    },
    all: () => Promise.resolve(new Map([...entries].map(([k, v]) => [k, { ...v }]))),
    update(id, change) {
      const cur = entries.get(id);
      if (!cur)
        return Promise.resolve({
          ok: false,
          entry: undefined,
          rev: 0,
          refusal: { code: 'missing' },
        });
      const next = change({ ...cur.entry });
      if ('code' in next)
        return Promise.resolve({ ok: false, entry: cur.entry, rev: cur.rev, refusal: next });
      const written = { entry: next, rev: ++rev };
      entries.set(id, written);
      return Promise.resolve({ ok: true, ...written });
    },
  };
}

export function createMemoryWorkspace(): WorkspaceStore & { files: Map<string, WorkspaceFile> } {
  const files = new Map<string, WorkspaceFile>();
  let rev = 0;
  return {
    files,
    read: (path) => Promise.resolve(files.get(path)),
    write(path, content, baseRev, author) {
      const cur = files.get(path);
      if ((cur?.rev ?? 0) !== baseRev)
        return Promise.resolve({
          ok: false,
          currentRev: cur?.rev ?? 0,
          currentAuthor: cur?.author,
          reason: `${path} changed: you read revision ${baseRev}, it is now revision ${cur?.rev ?? 0}`,
        });
      const file = { path, content, rev: ++rev, author };
      files.set(path, file);
      return Promise.resolve({ ok: true, rev: file.rev });
    },
    list: () => Promise.resolve([...files.values()].sort((a, b) => a.path.localeCompare(b.path))),
  };
}

/** Passes a task's tests when each of its files holds its reference content. */
export function createReferenceRunner(): TestRunner & { runs: string[] } {
  const runs: string[] = [];
  return {
    runs,
    run(task: TaskSpec, files: Record<string, string>) {
      runs.push(task.id);
      const passed = task.files.every((f) => files[f] === task.reference[f]);
      return Promise.resolve({
        passed,
        output: passed ? 'ok' : 'not ok',
        durationMs: 1,
        queuedMs: 0,
        timedOut: false,
        conclusive: true,
      });
    },
    close: () => Promise.resolve(),
  };
}
