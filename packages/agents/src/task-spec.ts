/**
 * A coding task as agents see it. Suites (packages/lab) produce these; the task board,
 * the agents and the simulated models consume them.
 */
export interface TaskSpec {
  /** Unique within its suite, a subject-safe token (`t01`). */
  id: string;
  title: string;
  /** What the model reads: the whole assignment, self-contained. */
  spec: string;
  /** Workspace-relative paths the task writes. */
  files: string[];
  /** Ids of tasks that must be done first (their files are inputs to this one). */
  deps: string[];
  /** Reference solution: path -> content. What a simulated model writes when it gets it right. */
  reference: Record<string, string>;
  /** `node:test` test files: path -> content. They import the task's files. */
  tests: Record<string, string>;
  /** Relative size of the task (1 = typical); simulated models scale their work by it. */
  weight?: number;
  /** Plausible wrong versions of the task's files, each failing its tests (a suite's mistake
   *  catalog): what a simulated model writes when it gets the task wrong. */
  mistakes?: TaskMistake[];
}

/** One wrong version of a task: the files it changes (the others stay the reference). */
export interface TaskMistake {
  /** `off-by-one`, `missed-edge-case`, `wrong-type`. */
  kind: string;
  /** What is wrong, in a few words. */
  note: string;
  files: Record<string, string>;
}

/** A suite in one dependency structure: the unit one run executes. */
export interface TaskSuite {
  /** e.g. `math`. */
  id: string;
  name: string;
  /** Parallel fraction of the structure (0.9, 0.5 or 0.2 in the paper's grid). */
  p: number;
  tasks: TaskSpec[];
}
