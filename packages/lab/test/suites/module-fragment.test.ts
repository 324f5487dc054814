import { describe, expect, it } from 'vitest';
import { mergeModuleFragment } from '../../src/suites/module-fragment.js';

describe('mergeModuleFragment', () => {
  it('puts fragment imports after the base imports and appends the rest', () => {
    const base = "import { a } from './a.js';\n\nexport const x = a;\n";
    const fragment = "import { b } from './b.js';\n\nexport const y = b;\n";
    expect(mergeModuleFragment(base, fragment)).toBe(
      "import { a } from './a.js';\nimport { b } from './b.js';\n\nexport const x = a;\n\nexport const y = b;\n",
    );
  });

  it('puts imports first when the base has none, and skips imports it already has', () => {
    const base = '// doc\nexport const x = 1;\n';
    const fragment =
      "import { test } from 'node:test';\nimport { c } from './c.js';\nexport const z = c;";
    expect(mergeModuleFragment(base, fragment)).toBe(
      "import { test } from 'node:test';\nimport { c } from './c.js';\n\n// doc\nexport const x = 1;\n\nexport const z = c;\n",
    );
    const withTest = "import { test } from 'node:test';\n\ntest('x', () => {});\n";
    expect(
      mergeModuleFragment(withTest, "import { test } from 'node:test';\ntest('y', () => {});"),
    ).toBe("import { test } from 'node:test';\n\ntest('x', () => {});\n\ntest('y', () => {});\n");
  });

  it('moves multi-line imports whole', () => {
    const base = 'export const x = 1;\n';
    const fragment = "import {\n  a,\n  b,\n} from './ab.js';\nexport const y = a + b;\n";
    expect(mergeModuleFragment(base, fragment)).toBe(
      "import {\n  a,\n  b,\n} from './ab.js';\n\nexport const x = 1;\n\nexport const y = a + b;\n",
    );
  });
});
