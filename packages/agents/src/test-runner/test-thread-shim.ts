/**
 * The part of `node:test` a task's tests may use when they run in a worker thread (the
 * in-process test runner): `test` / `it`, `describe` / `suite`, their `skip` / `todo` / `only`
 * forms, the four hooks, and on the test context `name`, `signal`, `diagnostic`, `skip`, `todo`
 * and subtests through `t.test`. Test files import this module instead of `node:test` (the
 * runner rewrites the specifier). Anything else on the context throws `UnsupportedFeature`, and
 * the runner then runs the tests again in a child process with the real `node:test`.
 */
import { format } from 'node:util';

type Done = (err?: unknown) => void;
type TestFn = (t: TestContextApi, done: Done) => unknown;
type HookFn = (t: TestContextApi, done: Done) => unknown;

interface TestOptions {
  skip?: boolean | string;
  todo?: boolean | string;
  only?: boolean;
  timeout?: number;
  concurrency?: number | boolean;
}

interface Hooks {
  before: HookFn[];
  after: HookFn[];
  beforeEach: HookFn[];
  afterEach: HookFn[];
}

interface TestNode {
  kind: 'test';
  name: string;
  fn: TestFn | undefined;
  options: TestOptions;
}

interface SuiteNode {
  kind: 'suite';
  name: string;
  options: TestOptions;
  children: (TestNode | SuiteNode)[];
  hooks: Hooks;
  /** An async describe body registers its tests when it settles. */
  pending: Promise<unknown>[];
}

export interface TestContextApi {
  readonly name: string;
  readonly signal: AbortSignal;
  diagnostic(message: string): void;
  skip(message?: string): void;
  todo(message?: string): void;
  test(name?: unknown, options?: unknown, fn?: unknown): Promise<void>;
}

/** Thrown when a test uses a part of `node:test` this shim does not provide. */
export class UnsupportedFeature extends Error {
  constructor(readonly feature: string) {
    super(`node:test feature "${feature}" is not available in the in-process test runner`);
    this.name = 'UnsupportedFeature';
  }
}

export interface ShimReport {
  passed: boolean;
  tests: number;
  pass: number;
  fail: number;
  skipped: number;
  todo: number;
  /** Spec-reporter-like lines: one per test, failures with their error. */
  lines: string[];
  /** The first unsupported feature a test used. */
  unsupported?: string;
}

const emptyHooks = (): Hooks => ({ before: [], after: [], beforeEach: [], afterEach: [] });
const newSuite = (name: string, options: TestOptions = {}): SuiteNode => ({
  kind: 'suite',
  name,
  options,
  children: [],
  hooks: emptyHooks(),
  pending: [],
});

let root = newSuite('');
let current = root;

/** Starts a fresh registry (one per test file). */
export function resetRegistry(): void {
  root = newSuite('');
  current = root;
}

/** node:test's overloads: (name?, options?, fn?) in any of their combinations. */
function parseArgs(
  a: unknown,
  b: unknown,
  c: unknown,
): { name: string; options: TestOptions; fn: TestFn | undefined } {
  const args = [a, b, c];
  const fn = args.find((x): x is TestFn => typeof x === 'function');
  const name =
    typeof a === 'string' ? a : typeof fn === 'function' && fn.name ? fn.name : '<anonymous>';
  const options = args.find(
    (x): x is TestOptions => typeof x === 'object' && x !== null && !Array.isArray(x),
  );
  return { name, options: options ?? {}, fn };
}

function register(a: unknown, b: unknown, c: unknown, extra: TestOptions = {}): Promise<void> {
  const { name, options, fn } = parseArgs(a, b, c);
  current.children.push({ kind: 'test', name, fn, options: { ...options, ...extra } });
  return Promise.resolve();
}

function registerSuite(a: unknown, b: unknown, c: unknown, extra: TestOptions = {}): Promise<void> {
  const { name, options, fn } = parseArgs(a, b, c);
  const suite = newSuite(name, { ...options, ...extra });
  current.children.push(suite);
  const parent = current;
  current = suite;
  try {
    const out = (fn as unknown as (() => unknown) | undefined)?.();
    if (out instanceof Promise) suite.pending.push(out);
  } finally {
    current = parent;
  }
  return Promise.resolve();
}

type Registrar = ((name?: unknown, options?: unknown, fn?: unknown) => Promise<void>) & {
  skip: (name?: unknown, options?: unknown, fn?: unknown) => Promise<void>;
  todo: (name?: unknown, options?: unknown, fn?: unknown) => Promise<void>;
  only: (name?: unknown, options?: unknown, fn?: unknown) => Promise<void>;
};

function registrar(add: typeof register): Registrar {
  return Object.assign((a?: unknown, b?: unknown, c?: unknown) => add(a, b, c), {
    skip: (a?: unknown, b?: unknown, c?: unknown) => add(a, b, c, { skip: true }),
    todo: (a?: unknown, b?: unknown, c?: unknown) => add(a, b, c, { todo: true }),
    // Without --test-only, node:test runs `only` tests like any other.
    only: (a?: unknown, b?: unknown, c?: unknown) => add(a, b, c),
  });
}

export const test = registrar(register);
export const it = test;
export const describe = registrar(registerSuite);
export const suite = describe;
export default test;

const hook = (kind: keyof Hooks) => (fn: HookFn) => {
  current.hooks[kind].push(fn);
};
export const before = hook('before');
export const after = hook('after');
export const beforeEach = hook('beforeEach');
export const afterEach = hook('afterEach');

/** Calls a test or hook body in either of its styles (promise, or a `done` callback). */
async function invoke(fn: TestFn | HookFn, t: TestContextApi): Promise<void> {
  if (fn.length >= 2) {
    await new Promise<void>((resolve, reject) => {
      const out = fn(t, (err?: unknown) =>
        err ? reject(err instanceof Error ? err : new Error(format(err))) : resolve(),
      );
      if (out instanceof Promise) out.catch(reject);
    });
    return;
  }
  await fn(t, () => undefined);
}

function errorText(err: unknown): string {
  if (err instanceof UnsupportedFeature) return err.message;
  const text = err instanceof Error ? (err.stack ?? `${err.name}: ${err.message}`) : format(err);
  return text
    .split('\n')
    .filter((l) => !l.includes('test-thread'))
    .slice(0, 24)
    .join('\n');
}

interface RunState {
  report: ShimReport;
  signal: AbortSignal;
}

function note(state: RunState, err: unknown): void {
  if (err instanceof UnsupportedFeature) state.report.unsupported ??= err.feature;
}

function contextFor(
  node: { name: string },
  state: RunState,
  depth: number,
  children: Promise<void>[],
  flags: { skip?: string; todo?: string },
): TestContextApi {
  const api: TestContextApi = {
    name: node.name,
    signal: state.signal,
    diagnostic: (message) => state.report.lines.push(`${'  '.repeat(depth + 1)}ℹ ${message}`),
    skip: (message) => {
      flags.skip = message ?? '';
    },
    todo: (message) => {
      flags.todo = message ?? '';
    },
    test: (a, b, c) => {
      const { name, options, fn } = parseArgs(a, b, c);
      const run = runTest({ kind: 'test', name, fn, options }, [], state, depth + 1);
      children.push(run);
      return run;
    },
  };
  return new Proxy(api, {
    get(target, prop, receiver) {
      if (typeof prop === 'symbol' || prop in target) {
        return Reflect.get(target, prop, receiver) as unknown;
      }
      // `await t` must not look like a thenable.
      if (prop === 'then') return undefined;
      throw new UnsupportedFeature(`t.${prop}`);
    },
  });
}

async function runHooks(fns: HookFn[], t: TestContextApi): Promise<void> {
  for (const fn of fns) await invoke(fn, t);
}

const ms = (start: number) => `${(performance.now() - start).toFixed(3)}ms`;

async function runTest(
  node: TestNode,
  chain: SuiteNode[],
  state: RunState,
  depth: number,
): Promise<void> {
  const { report } = state;
  const pad = '  '.repeat(depth);
  report.tests++;
  const skip = node.options.skip;
  if (skip || node.fn === undefined) {
    report.skipped++;
    report.lines.push(`${pad}﹣ ${node.name} # SKIP${typeof skip === 'string' ? ` ${skip}` : ''}`);
    return;
  }
  const start = performance.now();
  const flags: { skip?: string; todo?: string } = {};
  const children: Promise<void>[] = [];
  const t = contextFor(node, state, depth, children, flags);
  let error: unknown;
  try {
    for (const s of chain) await runHooks(s.hooks.beforeEach, t);
    await invoke(node.fn, t);
    await Promise.all(children);
  } catch (err) {
    error = err;
  }
  try {
    for (const s of [...chain].reverse()) await runHooks(s.hooks.afterEach, t);
  } catch (err) {
    error ??= err;
  }
  note(state, error);
  const todo = node.options.todo ?? flags.todo;
  if (flags.skip !== undefined) {
    report.skipped++;
    report.lines.push(`${pad}﹣ ${node.name} (${ms(start)}) # SKIP ${flags.skip}`.trimEnd());
  } else if (todo !== undefined && todo !== false) {
    report.todo++;
    report.lines.push(`${pad}﹣ ${node.name} (${ms(start)}) # TODO`);
  } else if (error === undefined) {
    report.pass++;
    report.lines.push(`${pad}✔ ${node.name} (${ms(start)})`);
  } else {
    report.fail++;
    report.lines.push(`${pad}✖ ${node.name} (${ms(start)})`);
    report.lines.push(
      ...errorText(error)
        .split('\n')
        .map((l) => `${pad}  ${l}`),
    );
  }
}

async function runSuite(
  suiteNode: SuiteNode,
  chain: SuiteNode[],
  state: RunState,
  depth: number,
): Promise<void> {
  const { report } = state;
  const pad = '  '.repeat(depth);
  const start = performance.now();
  const failBefore = report.fail;
  if (suiteNode !== root) report.lines.push(`${pad}▶ ${suiteNode.name}`);
  let error: unknown;
  try {
    await Promise.all(suiteNode.pending);
  } catch (err) {
    error = err;
  }
  const t = contextFor(suiteNode, state, depth, [], {});
  const inner = [...chain, suiteNode];
  const childDepth = suiteNode === root ? depth : depth + 1;
  if (error === undefined && !suiteNode.options.skip) {
    try {
      await runHooks(suiteNode.hooks.before, t);
      for (const child of suiteNode.children) {
        if (child.kind === 'test') await runTest(child, inner, state, childDepth);
        else await runSuite(child, inner, state, childDepth);
      }
    } catch (err) {
      error = err;
    }
    try {
      await runHooks(suiteNode.hooks.after, t);
    } catch (err) {
      error ??= err;
    }
  }
  if (error !== undefined) {
    note(state, error);
    report.fail++;
    report.lines.push(`${pad}✖ ${suiteNode.name || 'file'} (${ms(start)})`);
    report.lines.push(
      ...errorText(error)
        .split('\n')
        .map((l) => `${pad}  ${l}`),
    );
  } else if (suiteNode !== root) {
    report.lines.push(
      `${pad}${report.fail > failBefore ? '✖' : '✔'} ${suiteNode.name} (${ms(start)})`,
    );
  }
}

/** Runs what the last test file registered. */
export async function runRegistered(report: ShimReport, signal: AbortSignal): Promise<void> {
  await runSuite(root, [], { report, signal }, 0);
}

export function emptyReport(): ShimReport {
  return { passed: true, tests: 0, pass: 0, fail: 0, skipped: 0, todo: 0, lines: [] };
}
