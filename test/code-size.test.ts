import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CHECKED_DIRS,
  findLongFiles,
  findLongFunctions,
  longFileReason,
} from '../scripts/code-size.js';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

describe('code size', () => {
  it('no file over 400 lines without a reason at its top', () => {
    const found = findLongFiles(CHECKED_DIRS, repoRoot).map((f) => f.file);
    expect(found).toEqual([]);
  });

  it('no function over 80 lines of its own', () => {
    const found = findLongFunctions(CHECKED_DIRS, repoRoot).map((f) => [f.file, f.name]);
    expect(found).toEqual([]);
  });

  describe('the measures', () => {
    const dir = mkdtempSync(join(tmpdir(), 'llmt-code-size-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const lines = (n: number, text = '  x++;') => Array.from({ length: n }, () => text).join('\n');

    it('a long file passes only with a reason in its first comment', () => {
      writeFileSync(join(dir, 'plain.ts'), `let x = 0;\n${lines(401, 'x++;')}\n`);
      writeFileSync(
        join(dir, 'reasoned.ts'),
        `/**\n * A table.\n * Long file: one table of every kind, read top to bottom.\n */\nlet x = 0;\n${lines(401, 'x++;')}\n`,
      );
      writeFileSync(join(dir, 'short.ts'), `let x = 0;\n${lines(398, 'x++;')}\n`);
      expect(findLongFiles(['.'], dir).map((f) => f.file)).toEqual(['plain.ts']);
      expect(longFileReason('/** Long file: ok */\n')).toBeUndefined();
    });

    it("counts a function's own lines: named inner functions apart, callbacks in", () => {
      const dirF = mkdtempSync(join(dir, 'f-'));
      writeFileSync(
        join(dirF, 'a.ts'),
        [
          'let x = 0;',
          // 3 + 79 lines: long, although each piece is short
          `export function long(): void {\n${lines(79)}\n}`,
          // a factory of short methods is read method by method
          `export function createThing() {\n  const helper = () => {\n${lines(70)}\n  };\n  return {\n    run() {\n${lines(70)}\n    },\n    helper,\n  };\n}`,
          // an anonymous callback counts toward its holder
          `export function withCallback(): void {\n  [1].forEach(() => {\n${lines(50)}\n  });\n${lines(40)}\n}`,
          // a describe only groups
          `describe('d', () => {\n${lines(100)}\n});`,
        ].join('\n'),
      );
      expect(findLongFunctions(['.'], dirF).map((f) => [f.name, f.lines])).toEqual([
        ['long', 81],
        ['withCallback', 94],
      ]);
    });
  });
});
