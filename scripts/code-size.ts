/**
 * Size limits of the code (docs/architecture.md, "Size"): `npm run code-size` lists every
 * TypeScript file over 400 lines that does not say at its top why it is long, and every function
 * over 80 lines of its own, and exits 1 when there is one. test/code-size.test.ts holds the
 * repository to it.
 *
 * A file says why it is long with a line `Long file: <reason>` in its first comment.
 *
 * A function's own lines are its lines less those of the named functions inside it (function
 * declarations, methods, and functions given to a variable or a property), which are measured
 * on their own: a factory that returns an object of methods is read like a class, method by
 * method. Anonymous callbacks (`xs.map((x) => ...)`, a test's body) count toward the function
 * that holds them. `describe` callbacks, which only group tests, are not measured.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export const FILE_LINE_LIMIT = 400;
export const FUNCTION_LINE_LIMIT = 80;

/** Where the limits apply: every package's sources, tests and benchmarks, and the root's. */
export const CHECKED_DIRS = ['packages', 'test', 'bench', 'scripts'] as const;

export interface LongFunction {
  /** Path from the repository's root, `/`-separated. */
  file: string;
  name: string;
  /** Its own lines (nested named functions left out). */
  lines: number;
}

export interface LongFile {
  file: string;
  lines: number;
}

const SKIPPED_DIRS = new Set(['node_modules', 'dist', 'fixtures']);

/** The .ts files under `dir` (declarations, build output and fixtures left out), sorted. */
export function typeScriptFiles(dir: string): string[] {
  if (!statSync(dir).isDirectory()) return [dir];
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && !SKIPPED_DIRS.has(entry.name) && !entry.name.startsWith('.')) {
      files.push(...typeScriptFiles(path));
    } else if (entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) {
      files.push(path);
    }
  }
  return files.sort();
}

const lineCount = (text: string): number => text.split('\n').length - (text.endsWith('\n') ? 1 : 0);

/** The reason a file gives at its top for being long, if any. */
export function longFileReason(text: string): string | undefined {
  const first = ts.getLeadingCommentRanges(text, 0)?.[0];
  if (first === undefined) return undefined;
  const comment = text.slice(first.pos, first.end);
  const reason = /Long file:\s*(\S[^\n]*)/
    .exec(comment)?.[1]
    ?.replace(/\*\/\s*$/, '')
    .trim();
  return reason !== undefined && reason.length >= 10 ? reason : undefined;
}

/** Files of more than `limit` lines under `dirs` that give no reason at their top. */
export function findLongFiles(
  dirs: readonly string[],
  root = '.',
  limit = FILE_LINE_LIMIT,
): LongFile[] {
  const found: LongFile[] = [];
  for (const path of dirs.flatMap((d) => typeScriptFiles(resolve(root, d)))) {
    const text = readFileSync(path, 'utf8');
    const lines = lineCount(text);
    if (lines > limit && longFileReason(text) === undefined) {
      found.push({ file: repoPath(root, path), lines });
    }
  }
  return found;
}

const repoPath = (root: string, path: string) =>
  relative(resolve(root), path).split('\\').join('/');

const hasBody = (node: ts.Node): node is ts.FunctionLikeDeclaration =>
  ts.isFunctionLike(node) && 'body' in node && node.body !== undefined;

/** A function a reader reads on its own: declared, a method, or given a name by a binding. */
function isNamedUnit(node: ts.Node): boolean {
  if (!hasBody(node)) return false;
  if (!ts.isArrowFunction(node) && !ts.isFunctionExpression(node)) return true;
  const parent = node.parent;
  return (
    ts.isVariableDeclaration(parent) ||
    ts.isPropertyAssignment(parent) ||
    ts.isPropertyDeclaration(parent)
  );
}

/** A `describe(...)` callback only groups tests; the tests in it are measured on their own. */
function isSuiteCallback(node: ts.Node): boolean {
  const parent = node.parent;
  return ts.isCallExpression(parent) && /^describe\b/.test(parent.expression.getText());
}

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max)}...` : text);

function nameOf(node: ts.Node): string {
  const named = node as { name?: ts.Node };
  if (
    (ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node)) &&
    named.name !== undefined
  ) {
    return named.name.getText();
  }
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  const parent = node.parent;
  if (
    ts.isVariableDeclaration(parent) ||
    ts.isPropertyAssignment(parent) ||
    ts.isPropertyDeclaration(parent)
  ) {
    return parent.name.getText();
  }
  if (ts.isCallExpression(parent)) {
    const callee = parent.expression.getText();
    const first = parent.arguments[0];
    const label = first !== undefined && ts.isStringLiteralLike(first) ? first.text : '';
    return `${clip(callee, 30)}(${clip(label, 40)})`;
  }
  return '(anonymous)';
}

function spanOf(source: ts.SourceFile, node: ts.Node): number {
  const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
  const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
  return end - start + 1;
}

/** Lines of the named functions directly inside `fn` (not inside those). */
function nestedUnitLines(source: ts.SourceFile, fn: ts.Node): number {
  let lines = 0;
  const visit = (node: ts.Node): void => {
    if (isNamedUnit(node) || ts.isClassLike(node)) {
      lines += spanOf(source, node);
      return;
    }
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(fn, visit);
  return lines;
}

/** Functions, methods and callbacks under `dirs` of more than `limit` lines of their own. */
export function findLongFunctions(
  dirs: readonly string[],
  root = '.',
  limit = FUNCTION_LINE_LIMIT,
): LongFunction[] {
  const found: LongFunction[] = [];
  for (const path of dirs.flatMap((d) => typeScriptFiles(resolve(root, d)))) {
    const text = readFileSync(path, 'utf8');
    const source = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node): void => {
      if (hasBody(node) && !isSuiteCallback(node)) {
        const lines = spanOf(source, node) - nestedUnitLines(source, node);
        if (lines > limit) found.push({ file: repoPath(root, path), name: nameOf(node), lines });
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return found;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dirs = process.argv.slice(2);
  const checked = dirs.length > 0 ? dirs : [...CHECKED_DIRS];
  const files = findLongFiles(checked);
  const functions = findLongFunctions(checked);
  for (const f of files) {
    console.log(`${f.lines} lines  ${f.file}  (file: no "Long file:" reason at its top)`);
  }
  for (const f of functions) console.log(`${f.lines} lines  ${f.file}  ${f.name}`);
  if (files.length === 0 && functions.length === 0) console.log('code-size: within the limits');
  process.exitCode = files.length === 0 && functions.length === 0 ? 0 : 1;
}
