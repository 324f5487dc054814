/**
 * Time is injected (docs/architecture.md, "Time"): product sources read the time and set
 * timers through a `Clock`. A file that uses the machine's clock directly says why with a line
 * `System time: <reason>` in its first comment; this test lists every direct use elsewhere.
 * `performance.now()` is not counted: it measures how long the machine took (a figure in a
 * result, never a decision).
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { typeScriptFiles } from '../scripts/code-size.js';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

/** The reason a file gives in its first comment for using the machine's clock, if any. */
function systemTimeReason(text: string): string | undefined {
  const first = ts.getLeadingCommentRanges(text, 0)?.[0];
  if (first === undefined) return undefined;
  const reason = /System time:\s*(\S[^\n]*)/
    .exec(text.slice(first.pos, first.end))?.[1]
    ?.replace(/\*\/\s*$/, '')
    .trim();
  return reason !== undefined && reason.length >= 10 ? reason : undefined;
}

/** `Date.now()`, `new Date()` (no argument), a global `setTimeout` / `setInterval`, and Node's
 *  timers module (its promise `setTimeout` is a sleep). */
function directUses(text: string, file: string): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    const line = () => source.getLineAndCharacterOfPosition(node.getStart()).line + 1;
    if (ts.isCallExpression(node)) {
      const callee = node.expression.getText(source);
      if (['Date.now', 'setTimeout', 'setInterval'].includes(callee)) {
        found.push(`${callee}() at line ${line()}`);
      }
    } else if (ts.isNewExpression(node) && node.expression.getText(source) === 'Date') {
      if ((node.arguments?.length ?? 0) === 0) found.push(`new Date() at line ${line()}`);
    } else if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const from = node.moduleSpecifier.text;
      if (/^(node:)?timers(\/promises)?$/.test(from)) found.push(`${from} at line ${line()}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** Direct uses of the machine's clock under `dirs`, in files that give no reason. */
function unexplainedSystemTime(dirs: readonly string[], root: string): string[] {
  return dirs
    .flatMap((d) => typeScriptFiles(join(root, d)))
    .filter((path) => !/\.test\.ts$/.test(path))
    .flatMap((path) => {
      const text = readFileSync(path, 'utf8');
      if (systemTimeReason(text) !== undefined) return [];
      const file = relative(root, path).split('\\').join('/');
      return directUses(text, file).map((use) => `${file}: ${use}`);
    });
}

const productSources = readdirSync(join(repoRoot, 'packages')).map((p) => `packages/${p}/src`);

describe('system time', () => {
  it('product sources use the injected clock, or say at their top why not', () => {
    expect(unexplainedSystemTime(productSources, repoRoot)).toEqual([]);
  });

  describe('the scan', () => {
    const dir = mkdtempSync(join(tmpdir(), 'llmt-system-time-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('finds direct reads and timers, not a clock, a conversion or a method named so', () => {
      writeFileSync(
        join(dir, 'plain.ts'),
        [
          "import { setTimeout as sleep } from 'node:timers/promises';",
          'const a = Date.now();',
          'const b = new Date();',
          'setTimeout(() => undefined, 5);',
          'const c = setInterval(() => undefined, 5);',
          'clock.setTimeout(() => undefined, 5);',
          'const d = new Date(a).toISOString();',
          'const e = performance.now();',
          'const f = { setTimeout(fn: () => void, ms: number) { return clock.setTimeout(fn, ms); } };',
          '// Date.now() in a comment',
        ].join('\n'),
      );
      writeFileSync(
        join(dir, 'reasoned.ts'),
        '/**\n * A supervisor.\n * System time: a child process is timed on the machine.\n */\nsetTimeout(() => undefined, 5);\n',
      );
      writeFileSync(join(dir, 'vague.ts'), '/** System time: yes */\nDate.now();\n');
      expect(unexplainedSystemTime(['.'], dir)).toEqual([
        'plain.ts: node:timers/promises at line 1',
        'plain.ts: Date.now() at line 2',
        'plain.ts: new Date() at line 3',
        'plain.ts: setTimeout() at line 4',
        'plain.ts: setInterval() at line 5',
        'vague.ts: Date.now() at line 2',
      ]);
    });
  });
});
