/**
 * Import circles inside each package: `npm run cycles` lists every strongly connected group of
 * a package's source modules (type-only imports included: they tie the modules' design
 * together just as much) and exits 1 when there is one. test/import-cycles.test.ts holds the
 * repository to it. TypeScript's own resolver reads the imports, so a path resolves exactly as
 * the compiler resolves it.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** Source modules of a package: its .ts files under `dir`, tests and declarations left out. */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => join(e.parentPath, e.name))
    .filter((f) => !f.endsWith('.test.ts') && !f.endsWith('.d.ts'))
    .sort();
}

const COMPILER_OPTIONS: ts.CompilerOptions = {
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
};

/** Each module's relative imports that resolve to another module of the same set. */
function importGraph(files: readonly string[]): Map<string, string[]> {
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const deps = importedFiles
      .filter((i) => i.fileName.startsWith('.'))
      .map(
        (i) =>
          ts.resolveModuleName(i.fileName, file, COMPILER_OPTIONS, ts.sys).resolvedModule
            ?.resolvedFileName,
      )
      .filter((f): f is string => f !== undefined && known.has(f));
    graph.set(file, [...new Set(deps)]);
  }
  return graph;
}

/** Strongly connected groups of more than one module, or a module importing itself (Tarjan). */
function circles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) !== index.get(v)) return;
    const group: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      group.push(w);
    } while (w !== v);
    if (group.length > 1 || graph.get(v)!.includes(v)) found.push(group.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

/** The import circles among the modules under `dir`, as paths relative to it. */
export function findImportCycles(dir: string): string[][] {
  const root = resolve(dir);
  return circles(importGraph(sourceFiles(root))).map((group) =>
    group.map((f) => relative(root, f)),
  );
}

/** `packages/<name>/src` of every package in the repository. */
export function packageSourceDirs(repoRoot: string): Record<string, string> {
  const packages = join(repoRoot, 'packages');
  return Object.fromEntries(
    readdirSync(packages, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => [e.name, join(packages, e.name, 'src')]),
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const repoRoot = resolve(fileURLToPath(import.meta.url), '../..');
  let total = 0;
  for (const [name, dir] of Object.entries(packageSourceDirs(repoRoot))) {
    const found = findImportCycles(dir);
    total += found.length;
    console.log(
      `${name}: ${found.length === 0 ? 'no import circles' : `${found.length} circle(s)`}`,
    );
    for (const group of found) console.log(`  ${group.length} modules: ${group.join(' ')}`);
  }
  process.exitCode = total === 0 ? 0 : 1;
}
